namespace MlopsPortal.Core.Demo;

/// <summary>Where the demo workspace's build stands in this process, for the portal's "building the demo" notice.</summary>
public sealed record DemoProgressState(bool Building, int Done, int Steps, string? LastStep, string? Failure);

/// <summary>
/// The demo build's progress, shared with the pages of the process that builds it (serve --demo): the portal answers at
/// once, and its pages say that the workspace is still being built, step by step, until it is ready.
/// </summary>
public sealed class DemoProgress
{
    public const int Steps = 10;
    private readonly object _gate = new();

    public DemoProgressState State { get; private set; } = new(false, 0, Steps, null, null);

    /// <summary>Raised after every change; handlers must not block (pages re-render on their own dispatcher).</summary>
    public event Action? Changed;

    public void Start() => Set(new DemoProgressState(true, 0, Steps, null, null));

    public void Step(string name) => Set(State with { Done = Math.Min(Steps, State.Done + 1), LastStep = name });

    public void Finish(string? failure) => Set(State with { Building = false, Failure = failure });

    private void Set(DemoProgressState state)
    {
        lock (_gate) State = state;
        Changed?.Invoke();
    }
}

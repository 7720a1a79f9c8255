using MlopsPortal.Core.Demo;

namespace MlopsPortal.Web.Hosting;

/// <summary>Builds the demo workspace on a running node (one that executes jobs) and prints what it did.</summary>
public static class DemoStartup
{
    public static async Task<DemoWorkspaceResult> BuildAsync(IServiceProvider services, IReadOnlyList<DemoCredential> seeded, TextWriter console, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        console.WriteLine("Building the demo workspace with the portal's own jobs:");
        var result = await scope.ServiceProvider.GetRequiredService<DemoWorkspace>()
            .BuildAsync(seeded.ToDictionary(c => c.UserName, c => c.Password), console, ct);
        console.WriteLine(result.Built ? $"  {result.Took.TotalSeconds,5:0.0} s  in all. {result.Message}" : $"  {result.Message}");
        console.WriteLine();
        return result;
    }
}

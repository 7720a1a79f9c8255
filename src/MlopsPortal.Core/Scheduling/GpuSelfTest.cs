namespace MlopsPortal.Core.Scheduling;

/// <summary>The outcome of a GPU self-test: a node declares "gpu" only when it passed.</summary>
public sealed record GpuSelfTestResult(bool Passed, string Message, string? DeviceName = null);

/// <summary>Checks that this machine can run GPU jobs. Replaceable in tests; the GPU scoring issue extends it.</summary>
public interface IGpuSelfTest
{
    GpuSelfTestResult Run();
}

/// <summary>A node was asked to declare a GPU that failed its self-test.</summary>
public sealed class GpuSelfTestFailedException(string message) : Exception(message);

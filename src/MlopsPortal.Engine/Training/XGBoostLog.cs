using System.Runtime.InteropServices;

namespace MlopsPortal.Engine.Training;

/// <summary>
/// XGBoost's warnings (an unused parameter, a deprecated one) go to its log, not to an error code. This
/// routes the log to a capture so that a caller can turn a warning into a clear error. One capture at a time
/// is open, process-wide; callers hold it only around a booster's first round (milliseconds).
/// </summary>
public static class XGBoostLog
{
    private static readonly Lock Gate = new();
    private static readonly SemaphoreSlim OneCapture = new(1, 1);
    private static List<string>? _capture;
    [ThreadStatic] private static bool _registeredHere;

    /// <summary>Collects what XGBoost logs until the returned scope is disposed.</summary>
    public static Capture Start()
    {
        Register();
        OneCapture.Wait();
        var lines = new List<string>();
        lock (Gate) _capture = lines;
        return new Capture(lines);
    }

    /// <summary>XGBoost keeps its log callback per thread: register it on every thread that captures.</summary>
    private static unsafe void Register()
    {
        if (_registeredHere) return;
        XGBoostNative.EnsureLoaded();
        XGBoostNative.Check(XGBoostNative.XGBRegisterLogCallback(&OnLog));
        _registeredHere = true;
    }

    [UnmanagedCallersOnly]
    private static unsafe void OnLog(byte* message)
    {
        // Runs on XGBoost's thread: never throw back into native code.
        try
        {
            var line = XGBoostNative.CleanMessage(Marshal.PtrToStringUTF8((nint)message) ?? "");
            lock (Gate) _capture?.Add(line);
        }
        catch
        {
            // A log line that cannot be read is dropped.
        }
    }

    public sealed class Capture(List<string> lines) : IDisposable
    {
        private bool _disposed;

        public IReadOnlyList<string> Lines
        {
            get { lock (Gate) return [.. lines]; }
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            lock (Gate) _capture = null;
            OneCapture.Release();
        }
    }
}

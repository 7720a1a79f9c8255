using System.Runtime.InteropServices;

namespace MlopsPortal.Engine.Training;

/// <summary>
/// XGBoost's warnings (an unused parameter, a deprecated one) go to its log, not to an error code. This
/// routes the log to a capture so that a caller can turn a warning into a clear error. XGBoost keeps its log
/// callback per thread and logs a booster's configuration on the calling thread, so captures are per thread
/// too: concurrent trainings never wait for each other.
/// </summary>
public static class XGBoostLog
{
    [ThreadStatic] private static List<string>? _capture;
    [ThreadStatic] private static bool _registeredHere;

    /// <summary>Collects what XGBoost logs until the returned scope is disposed.</summary>
    public static Capture Start()
    {
        Register();
        var lines = new List<string>();
        _capture = lines;
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
            _capture?.Add(XGBoostNative.CleanMessage(Marshal.PtrToStringUTF8((nint)message) ?? ""));
        }
        catch
        {
            // A log line that cannot be read is dropped.
        }
    }

    public sealed class Capture(List<string> lines) : IDisposable
    {
        public IReadOnlyList<string> Lines => lines;

        public void Dispose() => _capture = null;
    }
}

// Written by hand: no XGBoost package for .NET restores here; this binds the C API of Debian's libxgboost0
// (see ../shared/docs/dependencies.md, "XGBoost through its C API", for the pitfalls handled below).
using System.Runtime.InteropServices;

namespace MlopsPortal.Engine.Training;

/// <summary>XGBoost's C API (1.7). Every call returns 0 or -1; <see cref="Check"/> turns -1 into an exception.</summary>
internal static partial class XGBoostNative
{
    private const string Library = "xgboost";

    /// <summary>
    /// Names the library file to load instead of Debian's (a CUDA build of libxgboost on a GPU node). When it
    /// cannot be loaded, nothing else is tried: the portal says so rather than silently using another build.
    /// </summary>
    public const string OverrideVariable = "MLOPS_XGBOOST_LIBRARY";

    static XGBoostNative() =>
        NativeLibrary.SetDllImportResolver(typeof(XGBoostNative).Assembly, static (name, _, _) =>
        {
            if (name != Library) return IntPtr.Zero;
            if (Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 } path)
                return NativeLibrary.TryLoad(path, out var chosen) ? chosen
                    : throw new DllNotFoundException($"{OverrideVariable} names '{path}', which could not be loaded");
            // Load by soname: the unversioned libxgboost.so exists only with libxgboost-dev installed.
            return NativeLibrary.TryLoad("libxgboost.so.0", out var handle) || NativeLibrary.TryLoad("libxgboost.so", out handle) ? handle : IntPtr.Zero;
        });

    /// <summary>Called before the first native call, so that a missing library gets a sentence, not a stack trace.</summary>
    public static void EnsureLoaded()
    {
        try
        {
            XGBoostVersion(out _, out _, out _);
        }
        catch (DllNotFoundException e) when (Environment.GetEnvironmentVariable(OverrideVariable) is { Length: > 0 })
        {
            throw new XGBoostException($"XGBoost's native library could not be loaded: {e.Message.TrimEnd('.')}. Unset {OverrideVariable} to use Debian's libxgboost0.", e);
        }
        catch (DllNotFoundException e)
        {
            throw new XGBoostException("XGBoost's native library is not installed: install the Debian package libxgboost0 (apt-get install libxgboost0).", e);
        }
    }

    // Declared as nint: XGBoost owns the buffer, and a string return would make .NET free it (double free).
    [LibraryImport(Library)]
    private static partial nint XGBGetLastError();

    [LibraryImport(Library)]
    internal static partial void XGBoostVersion(out int major, out int minor, out int patch);

    [LibraryImport(Library)]
    internal static partial int XGBuildInfo(out nint json);

    [LibraryImport(Library)]
    internal static unsafe partial int XGDMatrixCreateFromMat(float* data, ulong rows, ulong columns, float missing, out nint handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int XGDMatrixSetFloatInfo(nint handle, string field, float* values, ulong length);

    [LibraryImport(Library)]
    internal static partial int XGDMatrixFree(nint handle);

    [LibraryImport(Library)]
    internal static unsafe partial int XGBoosterCreate(nint* matrices, ulong count, out nint handle);

    [LibraryImport(Library)]
    internal static partial int XGBoosterFree(nint handle);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int XGBoosterSetParam(nint handle, string name, string value);

    [LibraryImport(Library)]
    internal static partial int XGBoosterUpdateOneIter(nint handle, int iteration, nint train);

    [LibraryImport(Library)]
    internal static unsafe partial int XGBoosterEvalOneIter(nint handle, int iteration, nint* matrices, nint* names, ulong count, out nint result);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int XGBoosterPredictFromDense(nint handle, string arrayInterface, string config, nint proxy,
        out ulong* shape, out ulong dimensions, out float* result);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int XGBoosterPredictFromDMatrix(nint handle, nint matrix, string config,
        out ulong* shape, out ulong dimensions, out float* result);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial int XGBoosterSaveModelToBuffer(nint handle, string config, out ulong length, out byte* data);

    [LibraryImport(Library)]
    internal static unsafe partial int XGBoosterLoadModelFromBuffer(nint handle, byte* data, ulong length);

    [LibraryImport(Library)]
    internal static unsafe partial int XGBRegisterLogCallback(delegate* unmanaged<byte*, void> callback);

    /// <summary>Throws XGBoost's own message (without its timestamp, source location and stack trace) when a call failed.</summary>
    public static void Check(int result)
    {
        if (result == 0) return;
        throw new XGBoostException(CleanMessage(Marshal.PtrToStringUTF8(XGBGetLastError()) ?? "unknown XGBoost error"));
    }

    /// <summary>"[12:00:00] /build/src/learner.cc:42: Invalid Parameter … Stack trace: …" → "Invalid Parameter …".</summary>
    internal static string CleanMessage(string message)
    {
        var text = message;
        var stack = text.IndexOf("Stack trace:", StringComparison.Ordinal);
        if (stack >= 0) text = text[..stack];
        if (text.StartsWith('[') && text.IndexOf("] ", StringComparison.Ordinal) is var close and > 0)
        {
            text = text[(close + 2)..];
            // The source location: "path/file.cc:123: ".
            var location = System.Text.RegularExpressions.Regex.Match(text, @"^\S+?\.(cc|h|cu|cuh):\d+: ");
            if (location.Success) text = text[location.Length..];
        }
        return text.Trim();
    }
}

/// <summary>XGBoost refused something; the message is XGBoost's own, cleaned for people.</summary>
public sealed class XGBoostException(string message, Exception? inner = null) : Exception(message, inner);

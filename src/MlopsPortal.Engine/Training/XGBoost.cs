using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MlopsPortal.Engine.Training;

/// <summary>The native library's identity, for run records and package manifests.</summary>
public static class XGBoostLibrary
{
    public static string Version
    {
        get
        {
            XGBoostNative.EnsureLoaded();
            XGBoostNative.XGBoostVersion(out var major, out var minor, out var patch);
            return $"{major}.{minor}.{patch}";
        }
    }

    /// <summary>True when this build of the library can train and predict on a CUDA device (Debian's cannot).</summary>
    public static bool HasCuda
    {
        get
        {
            XGBoostNative.EnsureLoaded();
            XGBoostNative.Check(XGBoostNative.XGBuildInfo(out var json));
            using var info = JsonDocument.Parse(Marshal.PtrToStringUTF8(json)!);
            return info.RootElement.TryGetProperty("USE_CUDA", out var cuda) && cuda.ValueKind == JsonValueKind.True;
        }
    }
}

/// <summary>A dense float matrix in XGBoost's memory (rows × columns, NaN = missing), with optional labels.</summary>
public sealed class XGBoostMatrix : IDisposable
{
    internal nint Handle { get; private set; }
    public int Rows { get; }
    public int Columns { get; }

    public unsafe XGBoostMatrix(ReadOnlySpan<float> values, int rows, int columns, ReadOnlySpan<float> labels = default)
    {
        if (values.Length != (long)rows * columns)
            throw new ArgumentException($"{values.Length} values do not make {rows} rows × {columns} columns.", nameof(values));
        XGBoostNative.EnsureLoaded();
        fixed (float* data = values)
        {
            XGBoostNative.Check(XGBoostNative.XGDMatrixCreateFromMat(data, (ulong)rows, (ulong)columns, float.NaN, out var handle));
            Handle = handle;
        }
        Rows = rows;
        Columns = columns;
        if (!labels.IsEmpty)
        {
            if (labels.Length != rows)
                throw new ArgumentException($"{labels.Length} labels for {rows} rows.", nameof(labels));
            fixed (float* label = labels)
                XGBoostNative.Check(XGBoostNative.XGDMatrixSetFloatInfo(Handle, "label", label, (ulong)rows));
        }
    }

    public void Dispose()
    {
        if (Handle == 0) return;
        XGBoostNative.XGDMatrixFree(Handle);
        Handle = 0;
    }
}

/// <summary>
/// A gradient-boosted model: trained round by round (with per-round evaluation), saved and loaded as
/// XGBoost's own JSON, and asked for predictions straight from a dense float span (inplace prediction:
/// no copy into a DMatrix). Not thread-safe while training.
/// </summary>
public sealed class XGBoostBooster : IDisposable
{
    private nint _handle;

    private XGBoostBooster(nint handle) => _handle = handle;

    /// <summary>A new booster for training on <paramref name="train"/> (and evaluating on the others).</summary>
    public static unsafe XGBoostBooster Create(XGBoostMatrix train, IReadOnlyList<XGBoostMatrix> others, IReadOnlyDictionary<string, string> parameters)
    {
        var handles = new[] { train.Handle }.Concat(others.Select(o => o.Handle)).ToArray();
        nint handle;
        fixed (nint* matrices = handles)
            XGBoostNative.Check(XGBoostNative.XGBoosterCreate(matrices, (ulong)handles.Length, out handle));
        var booster = new XGBoostBooster(handle);
        try
        {
            // Python's xgboost sets this; the C API does not: misspelled names would otherwise be ignored.
            booster.SetParameter("validate_parameters", "1");
            foreach (var (name, value) in parameters)
                booster.SetParameter(name, value);
        }
        catch
        {
            booster.Dispose();
            throw;
        }
        return booster;
    }

    /// <summary>Loads a model saved as JSON (by this class or by Python's xgboost).</summary>
    public static unsafe XGBoostBooster Load(ReadOnlySpan<byte> json, int threads = 0)
    {
        XGBoostNative.EnsureLoaded();
        XGBoostNative.Check(XGBoostNative.XGBoosterCreate(null, 0, out var handle));
        var booster = new XGBoostBooster(handle);
        try
        {
            fixed (byte* data = json)
                XGBoostNative.Check(XGBoostNative.XGBoosterLoadModelFromBuffer(handle, data, (ulong)json.Length));
            // nthread is not part of a saved model.
            if (threads > 0) booster.SetParameter("nthread", threads.ToString(CultureInfo.InvariantCulture));
        }
        catch (XGBoostException e)
        {
            booster.Dispose();
            throw new XGBoostException($"The model file is not a valid XGBoost model: {e.Message}", e);
        }
        return booster;
    }

    public void SetParameter(string name, string value) => XGBoostNative.Check(XGBoostNative.XGBoosterSetParam(Handle, name, value));

    /// <summary>One boosting round. A bad parameter value surfaces here, in XGBoost's words.</summary>
    public void UpdateOneRound(int round, XGBoostMatrix train) => XGBoostNative.Check(XGBoostNative.XGBoosterUpdateOneIter(Handle, round, train.Handle));

    /// <summary>The evaluation metrics after a round, e.g. { ("train", "logloss") = 0.52, ("valid", "logloss") = 0.55 }.</summary>
    public unsafe IReadOnlyDictionary<(string Set, string Metric), double> Evaluate(int round, IReadOnlyList<(string Name, XGBoostMatrix Matrix)> sets)
    {
        var handles = sets.Select(s => s.Matrix.Handle).ToArray();
        var names = sets.Select(s => Marshal.StringToCoTaskMemUTF8(s.Name)).ToArray();
        try
        {
            nint result;
            fixed (nint* matrices = handles)
            fixed (nint* namePointers = names)
                XGBoostNative.Check(XGBoostNative.XGBoosterEvalOneIter(Handle, round, matrices, namePointers, (ulong)sets.Count, out result));
            return ParseEvaluation(Marshal.PtrToStringUTF8(result)!);
        }
        finally
        {
            foreach (var n in names) Marshal.FreeCoTaskMem(n);
        }
    }

    /// <summary>"[3]\ttrain-logloss:0.51\tvalid-logloss:0.55" → ((train, logloss), 0.51), ((valid, logloss), 0.55).</summary>
    internal static Dictionary<(string Set, string Metric), double> ParseEvaluation(string text)
    {
        var result = new Dictionary<(string, string), double>();
        foreach (var part in text.Split('\t').Skip(1))
        {
            var colon = part.LastIndexOf(':');
            var dash = part.IndexOf('-');
            if (colon < 0 || dash < 0 || dash > colon) continue;
            result[(part[..dash], part[(dash + 1)..colon])] = double.Parse(part[(colon + 1)..], CultureInfo.InvariantCulture);
        }
        return result;
    }

    /// <summary>
    /// Predictions for rows × columns floats (NaN = missing): probabilities for binary:logistic, values for
    /// regression. Writes into <paramref name="output"/> (one per row) without allocating per row.
    /// </summary>
    public unsafe void Predict(ReadOnlySpan<float> values, int rows, int columns, Span<float> output)
    {
        if (values.Length != (long)rows * columns)
            throw new ArgumentException($"{values.Length} values do not make {rows} rows × {columns} columns.", nameof(values));
        if (output.Length < rows)
            throw new ArgumentException($"The output holds {output.Length} values; {rows} are needed.", nameof(output));
        if (rows == 0) return;
        fixed (float* data = values)
        {
            var arrayInterface = string.Create(CultureInfo.InvariantCulture,
                $"{{\"data\":[{(ulong)data},true],\"shape\":[{rows},{columns}],\"typestr\":\"<f4\",\"version\":3}}");
            XGBoostNative.Check(XGBoostNative.XGBoosterPredictFromDense(Handle, arrayInterface, PredictConfig, 0,
                out var shape, out var dimensions, out var result));
            if (dimensions != 1 || shape[0] != (ulong)rows)
                throw new XGBoostException($"Expected one prediction per row; the model gave a {dimensions}-dimensional result (a multi-class model?).");
            // The result belongs to the booster until its next call: copy it out now.
            new ReadOnlySpan<float>(result, rows).CopyTo(output);
        }
    }

    private const string PredictConfig =
        "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":false,\"missing\":NaN,\"cache_id\":0}";

    private const string ContributionsConfig =
        "{\"type\":2,\"training\":false,\"iteration_begin\":0,\"iteration_end\":0,\"strict_shape\":false}";

    /// <summary>
    /// SHAP contributions (Python's <c>pred_contribs=True</c>): rows × (columns + 1) margins, the last one of each
    /// row the bias. A row's contributions add up to its margin (the log-odds for binary:logistic).
    /// </summary>
    public unsafe float[] Contributions(ReadOnlySpan<float> values, int rows, int columns)
    {
        if (values.Length != (long)rows * columns)
            throw new ArgumentException($"{values.Length} values do not make {rows} rows × {columns} columns.", nameof(values));
        var output = new float[(long)rows * (columns + 1)];
        if (rows == 0) return output;
        // In-place prediction does not compute contributions (XGBoost 1.7): they need a DMatrix.
        using var matrix = new XGBoostMatrix(values, rows, columns);
        XGBoostNative.Check(XGBoostNative.XGBoosterPredictFromDMatrix(Handle, matrix.Handle, ContributionsConfig,
            out var shape, out var dimensions, out var result));
        if (dimensions != 2 || shape[0] != (ulong)rows || shape[1] != (ulong)(columns + 1))
            throw new XGBoostException($"Expected {rows} × {columns + 1} contributions; the model gave another shape (a multi-class model?).");
        new ReadOnlySpan<float>(result, output.Length).CopyTo(output);
        return output;
    }

    /// <summary>The model as XGBoost's JSON (what Python's xgboost.Booster.load_model reads).</summary>
    public byte[] SaveJson() => Save("json");

    /// <summary>The model in XGBoost's UBJSON format (tests use it to show that only JSON is accepted).</summary>
    public byte[] SaveUbjson() => Save("ubj");

    private unsafe byte[] Save(string format)
    {
        XGBoostNative.Check(XGBoostNative.XGBoosterSaveModelToBuffer(Handle, $"{{\"format\":\"{format}\"}}", out var length, out var data));
        return new ReadOnlySpan<byte>(data, checked((int)length)).ToArray();
    }

    private nint Handle => _handle != 0 ? _handle : throw new ObjectDisposedException(nameof(XGBoostBooster));

    public void Dispose()
    {
        if (_handle == 0) return;
        XGBoostNative.XGBoosterFree(_handle);
        _handle = 0;
    }
}

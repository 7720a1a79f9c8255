using Microsoft.ML.OnnxRuntime;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Models;

/// <summary>
/// Scores with ONNX Runtime. Inputs are either one float (or double) matrix [rows, features] or one [rows, 1] input
/// per feature, named after the dataset's column. Scores come from a probabilities output (the positive class is the
/// second column of [rows, 2], or the value of [rows] / [rows, 1]) for classifiers, and from the first float output
/// for regressors. Outputs that are sequences of maps (skl2onnx's ZipMap) are refused: convert with zipmap disabled.
/// </summary>
public sealed class OnnxScoringModel : IScoringModel
{
    /// <summary>Rows per call into ONNX Runtime: bounds the memory of the input and output tensors.</summary>
    private const int BatchRows = 65_536;

    private readonly InferenceSession _session;
    private readonly OnnxModelDescription _description;

    private OnnxScoringModel(InferenceSession session, OnnxModelDescription description)
    {
        _session = session;
        _description = description;
    }

    /// <summary>The ONNX Runtime version, as packages record it.</summary>
    public static string RuntimeVersion => OrtEnv.Instance().GetVersionString();

    /// <param name="cuda">Score with ONNX Runtime's CUDA execution provider; a build or machine without it throws <see cref="NotSupportedException"/> with the reason.</param>
    public static OnnxScoringModel Load(byte[] model, ModelManifest manifest, int threads = 0, bool cuda = false)
    {
        var session = Session(model, threads, cuda);
        try
        {
            var description = Describe(session, manifest.Task == "binaryClassification");
            if (description.FeatureCount != manifest.Features.Count)
                throw new InvalidDataException($"The ONNX model reads {description.FeatureCount} features; the package lists {manifest.Features.Count}.");
            return new OnnxScoringModel(session, description);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Reads a model file's inputs and outputs; a file ONNX Runtime cannot load, or one the portal cannot feed, is refused in a sentence.</summary>
    public static OnnxModelDescription Describe(byte[] model, bool classifier)
    {
        using var session = Session(model, threads: 1, cuda: false);
        return Describe(session, classifier);
    }

    private static InferenceSession Session(byte[] model, int threads, bool cuda)
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        if (threads > 0) options.IntraOpNumThreads = threads;
        try
        {
            // A usable GPU is one a session can be created on: the provider list names CUDA even on machines without one.
            if (cuda) options.AppendExecutionProvider_CUDA();
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            throw new NotSupportedException($"ONNX Runtime's CUDA execution provider is not usable here: {e.Message.Split('\n')[0].TrimEnd('.')}. "
                                            + "It needs the GPU build of ONNX Runtime (Microsoft.ML.OnnxRuntime.Gpu.Linux, see docs/operations.md) and the CUDA libraries.", e);
        }
        try
        {
            return new InferenceSession(model, options);
        }
        catch (OnnxRuntimeException e) when (cuda)
        {
            throw new NotSupportedException($"ONNX Runtime could not create a CUDA session: {e.Message.Split('\n')[0].TrimEnd('.')}.", e);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"ONNX Runtime cannot load the file: {e.Message.Split('\n')[0].TrimEnd('.')}.", e);
        }
    }

    private static OnnxModelDescription Describe(InferenceSession session, bool classifier)
    {
        var inputs = session.InputMetadata.Select(p => new OnnxInput(p.Key,
            p.Value.IsTensor ? p.Value.ElementType.Name : p.Value.OnnxValueType.ToString(), p.Value.Dimensions.ToList())).ToList();
        var bad = inputs.Where(i => i.ElementType is not ("Single" or "Double" or "Int64")).ToList();
        if (bad.Count > 0)
            throw new InvalidDataException($"The ONNX model has inputs the portal cannot fill from numeric columns: {string.Join(", ", bad.Select(b => $"'{b.Name}' ({TypeName(b.ElementType)})"))}. "
                                           + "Encode text and categories inside the model's preprocessing as numbers, or convert it with numeric inputs.");
        var oneMatrix = inputs.Count == 1 && inputs[0].Shape.Count == 2 && inputs[0].Shape[1] > 1;
        if (!oneMatrix && inputs.Any(i => i.Shape.Count != 2 || i.Shape[1] != 1))
            throw new InvalidDataException("The ONNX model's inputs are neither one matrix [rows, features] nor one [rows, 1] input per feature: "
                                           + string.Join(", ", inputs.Select(i => $"'{i.Name}' [{string.Join(", ", i.Shape.Select(d => d < 0 ? "rows" : d.ToString()))}]")) + ".");
        var (output, index) = ScoreOutput(session, classifier);
        var producer = string.Join(" ", new[] { session.ModelMetadata.ProducerName, session.ModelMetadata.Version > 0 ? $"(model version {session.ModelMetadata.Version})" : "" }
            .Where(s => !string.IsNullOrWhiteSpace(s)));
        return new OnnxModelDescription(inputs, oneMatrix, oneMatrix ? inputs[0].Shape[1] : inputs.Count, output, index,
            producer.Length == 0 ? "not recorded" : producer, RuntimeVersion);
    }

    private static (string Name, int Index) ScoreOutput(InferenceSession session, bool classifier)
    {
        var outputs = session.OutputMetadata.ToList();
        var tensors = outputs.Where(o => o.Value.IsTensor && o.Value.ElementType == typeof(float)).ToList();
        static int Width(NodeMetadata m) => m.Dimensions.Length switch { 1 => 1, 2 => m.Dimensions[1], _ => -1 };
        // ML.NET's export names its outputs "Probability.output", "Score.output".
        static bool Named(string name, string[] names) => names.Contains(name.EndsWith(".output", StringComparison.Ordinal) ? name[..^7] : name, StringComparer.OrdinalIgnoreCase);
        if (classifier)
        {
            string[] names = ["probabilities", "probability", "output_probability"];
            var chosen = tensors.FirstOrDefault(o => Named(o.Key, names) && Width(o.Value) is 1 or 2);
            if (chosen.Key is null) chosen = tensors.FirstOrDefault(o => Width(o.Value) == 2);
            if (chosen.Key is null)
                throw new InvalidDataException(outputs.Any(o => !o.Value.IsTensor)
                    ? "The ONNX model gives its probabilities as a sequence of maps (scikit-learn's ZipMap): convert it with zipmap disabled (skl2onnx: options={'zipmap': False})."
                    : $"The ONNX model has no probabilities output (a float [rows, 2] or [rows] tensor); its outputs: {string.Join(", ", outputs.Select(o => o.Key))}.");
            return (chosen.Key, Width(chosen.Value) == 2 ? 1 : 0);
        }
        string[] regressionNames = ["variable", "score", "predictions", "output"];
        var value = tensors.FirstOrDefault(o => Named(o.Key, regressionNames) && Width(o.Value) == 1);
        if (value.Key is null) value = tensors.FirstOrDefault(o => Width(o.Value) == 1);
        return value.Key is null
            ? throw new InvalidDataException($"The ONNX model has no float output of one value per row; its outputs: {string.Join(", ", outputs.Select(o => o.Key))}.")
            : (value.Key, 0);
    }

    private static string TypeName(string elementType) => elementType switch
    {
        "Single" => "float", "Double" => "double", "Int64" => "int64", "String" => "string", "Sequence" => "sequence", "Map" => "map", _ => elementType.ToLowerInvariant(),
    };

    public float[] Predict(EncodedTable table)
    {
        var scores = new float[table.Rows];
        for (var start = 0; start < table.Rows; start += BatchRows)
        {
            var rows = Math.Min(BatchRows, table.Rows - start);
            using var inputs = new DisposableList(Inputs(table.Values.AsMemory(start * table.Columns, rows * table.Columns), rows, table.Columns));
            using var results = _session.Run(new RunOptions(), _description.Inputs.Select(i => i.Name).ToList(), inputs.Values, [_description.ScoreOutput]);
            var output = results[0].GetTensorDataAsSpan<float>();
            var stride = output.Length / rows;
            for (var r = 0; r < rows; r++)
                scores[start + r] = output[r * stride + _description.ScoreIndex];
        }
        return scores;
    }

    /// <summary>One matrix over the rows without copying, or one column per input (converted to the input's type).</summary>
    private IReadOnlyList<OrtValue> Inputs(Memory<float> values, int rows, int columns)
    {
        if (_description.OneMatrix && _description.Inputs[0].ElementType == "Single")
            return [OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, values, [rows, columns])];
        var span = values.Span;
        if (_description.OneMatrix)
        {
            var doubles = new double[rows * columns];
            for (var i = 0; i < doubles.Length; i++) doubles[i] = span[i];
            return [OrtValue.CreateTensorValueFromMemory(doubles, [rows, columns])];
        }
        var result = new List<OrtValue>(columns);
        for (var c = 0; c < columns; c++)
            switch (_description.Inputs[c].ElementType)
            {
                case "Single":
                    var floats = new float[rows];
                    for (var r = 0; r < rows; r++) floats[r] = span[r * columns + c];
                    result.Add(OrtValue.CreateTensorValueFromMemory(floats, [rows, 1]));
                    break;
                case "Double":
                    var doubles = new double[rows];
                    for (var r = 0; r < rows; r++) doubles[r] = span[r * columns + c];
                    result.Add(OrtValue.CreateTensorValueFromMemory(doubles, [rows, 1]));
                    break;
                default:
                    var longs = new long[rows];
                    for (var r = 0; r < rows; r++)
                        longs[r] = float.IsNaN(span[r * columns + c]) ? throw new InvalidDataException($"'{_description.Inputs[c].Name}' is missing in row {r + 1}: the ONNX model's input is a whole number and has no missing value.")
                            : (long)span[r * columns + c];
                    result.Add(OrtValue.CreateTensorValueFromMemory(longs, [rows, 1]));
                    break;
            }
        return result;
    }

    public Contributions? Explain(ReadOnlySpan<float> values, int rows, int columns) => null;

    public string NoContributionsReason =>
        "Reasons are not available for this model: an ONNX model gives scores only, not each feature's contribution to them.";

    public void Dispose() => _session.Dispose();

    private sealed class DisposableList(IReadOnlyList<OrtValue> values) : IDisposable
    {
        public IReadOnlyList<OrtValue> Values => values;

        public void Dispose()
        {
            foreach (var value in values) value.Dispose();
        }
    }
}

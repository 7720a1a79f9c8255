using Microsoft.ML;
using Microsoft.ML.Calibrators;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Engine.Models;

/// <summary>
/// An ML.NET model (the portal's own engines, or a zip registered from elsewhere whose input is one float vector
/// <c>Features</c>). Scores are the calibrated <c>Probability</c> for classifiers and <c>Score</c> for regressors.
/// Contributions come from ML.NET's own calculation: for linear models they are coefficient × value and add up to the
/// margin with the bias; for trees ML.NET measures what each split on the row's path changes, which ranks the features
/// but does not add up to the margin.
/// </summary>
public sealed class MlNetScoringModel : IScoringModel
{
    private readonly MLContext _ml = new(seed: 0);
    private readonly ITransformer _model;
    private readonly bool _classifier;
    private readonly int _columns;

    private MlNetScoringModel(ITransformer model, DataViewSchema input, bool classifier)
    {
        _model = model;
        _classifier = classifier;
        _columns = input.GetColumnOrNull(EncodedRows.Features)?.Type is VectorDataViewType { Size: > 0 } vector ? vector.Size : 0;
    }

    internal static MlNetScoringModel Load(byte[] zip, ModelManifest manifest) => Load(zip, manifest.Task == "binaryClassification");

    internal static MlNetScoringModel Load(byte[] zip, bool classifier)
    {
        var ml = new MLContext(seed: 0);
        var model = ml.Model.Load(new MemoryStream(zip, writable: false), out var input);
        if (input.GetColumnOrNull(EncodedRows.Features)?.Type is not VectorDataViewType { ItemType: NumberDataViewType, Size: > 0 })
            throw new InvalidDataException("The ML.NET model does not read one float vector named 'Features' (its inputs: "
                                           + string.Join(", ", input.Select(c => $"{c.Name} {c.Type}")) + "). Save the model after the step that builds 'Features', or export it to ONNX.");
        return new MlNetScoringModel(model, input, classifier);
    }

    /// <summary>How many inputs the model reads (the length of its Features vector).</summary>
    public int Columns => _columns;

    public float[] Predict(EncodedTable table)
    {
        Check(table.Columns);
        var scored = _model.Transform(EncodedRows.ToDataView(_ml, table.Values, table.Rows, table.Columns, labels: null, _classifier));
        var column = _classifier ? "Probability" : "Score";
        if (scored.Schema.GetColumnOrNull(column) is null)
            throw new InvalidDataException($"The ML.NET model gives no '{column}' column (it gives {string.Join(", ", scored.Schema.Select(c => c.Name))}).");
        var scores = new float[table.Rows];
        var i = 0;
        foreach (var value in scored.GetColumn<float>(column))
            scores[i++] = value;
        return scores;
    }

    public Contributions? Explain(ReadOnlySpan<float> values, int rows, int columns)
    {
        Check(columns);
        // A pipeline's trainer is its last step; a model saved without preprocessing is the trainer alone.
        var steps = _model is TransformerChain<ITransformer> chain ? chain.ToList() : [_model];
        var last = steps[^1];
        if (Calculator(last) is not { } estimator)
            return null;
        // Every step before the trainer (missing-value replacement, scaling) runs first: contributions are of what the trainer saw.
        var data = EncodedRows.ToDataView(_ml, values.ToArray(), rows, columns, labels: null, _classifier);
        foreach (var step in steps.Take(steps.Count - 1))
            data = step.Transform(data);
        var contributions = estimator.Fit(data).Transform(data);
        var output = new float[(long)rows * (columns + 1)];
        var linear = Linear(((IPredictionTransformer<object>)last).Model);
        var row = 0;
        foreach (var vector in contributions.GetColumn<VBuffer<float>>("FeatureContributions"))
        {
            vector.CopyTo(output.AsSpan(row * (columns + 1), columns));
            output[row * (columns + 1) + columns] = linear?.Bias ?? float.NaN;
            row++;
        }
        return linear is not null
            ? new Contributions(output, rows, columns, Additive: true, "ML.NET coefficient × scaled value")
            : new Contributions(output, rows, columns, Additive: false, "ML.NET feature contribution (split effects on the row's path)");
    }

    public string? NoContributionsReason => Calculator(Trainer) is null ? NoCalculator : null;

    /// <summary>The trainer's transformer: a pipeline's last step, or the model itself when it was saved without preprocessing.</summary>
    private ITransformer Trainer => _model is TransformerChain<ITransformer> chain ? chain.LastTransformer : _model;

    /// <summary>Said when <see cref="Explain"/> finds no contribution calculator for the model's trainer.</summary>
    internal const string NoCalculator = "Reasons are not available for this model: ML.NET has no feature contribution calculation for its trainer.";

    /// <summary>
    /// ML.NET's contribution estimator for the trainer's transformer. A calibrated classifier needs the overload typed by
    /// its inner model and calibrator, known here only at run time: it is called by reflection.
    /// </summary>
    private IEstimator<ITransformer>? Calculator(ITransformer last)
    {
        var columns = _columns;
        if (last is ISingleFeaturePredictionTransformer<ICalculateFeatureContribution> plain)
            return _ml.Transforms.CalculateFeatureContribution(plain, columns, columns, normalize: false);
        var calibrated = last.GetType().GetInterfaces().Select(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ISingleFeaturePredictionTransformer<>) ? i.GetGenericArguments()[0] : null)
            .OfType<Type>().Select(BaseCalibrated).FirstOrDefault(t => t is not null);
        if (calibrated is null || !typeof(ICalculateFeatureContribution).IsAssignableFrom(calibrated.GetGenericArguments()[0]))
            return null;
        var method = typeof(ExplainabilityCatalog).GetMethods()
            .Single(m => m.Name == nameof(ExplainabilityCatalog.CalculateFeatureContribution) && m.IsGenericMethodDefinition)
            .MakeGenericMethod(calibrated.GetGenericArguments());
        return (IEstimator<ITransformer>?)method.Invoke(null, [_ml.Transforms, last, columns, columns, false]);
    }

    private static Type? BaseCalibrated(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(CalibratedModelParametersBase<,>))
                return t;
        return null;
    }

    /// <summary>
    /// A linear model's coefficients, one per input in the package's input order (per standard deviation for the portal's
    /// logistic regression, which scales its inputs), and its intercept; null for any other model.
    /// </summary>
    public (IReadOnlyList<float> Weights, float Bias)? Coefficients()
    {
        if (Linear(((IPredictionTransformer<object>)Trainer).Model) is not { } linear) return null;
        return ([.. linear.Weights], linear.Bias);
    }

    private static LinearModelParameters? Linear(object model) => model switch
    {
        LinearModelParameters linear => linear,
        CalibratedModelParametersBase calibrated when calibrated.SubModel is LinearModelParameters inner => inner,
        _ => null,
    };

    private void Check(int columns)
    {
        if (columns != _columns)
            throw new InvalidDataException($"The ML.NET model reads {_columns} inputs; the rows have {columns}.");
    }

    public void Dispose() { }
}

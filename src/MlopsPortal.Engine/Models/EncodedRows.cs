using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlopsPortal.Engine.Models;

/// <summary>The portal's encoded rows as an ML.NET data view: one float vector <c>Features</c>, and a label when training.</summary>
internal static class EncodedRows
{
    public const string Features = "Features";
    public const string Label = "Label";

    private sealed class BinaryRow
    {
        public bool Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    private sealed class RegressionRow
    {
        public float Label { get; set; }
        public float[] Features { get; set; } = [];
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    public static IDataView ToDataView(MLContext ml, float[] values, int rows, int columns, float[]? labels, bool classifier)
    {
        float[] Row(int i) => values.AsSpan(i * columns, columns).ToArray();
        var indexes = Enumerable.Range(0, rows);
        return labels is null
            ? ml.Data.LoadFromEnumerable(indexes.Select(i => new FeatureRow { Features = Row(i) }), Schema<FeatureRow>(columns))
            : classifier
                ? ml.Data.LoadFromEnumerable(indexes.Select(i => new BinaryRow { Label = labels[i] > 0.5f, Features = Row(i) }), Schema<BinaryRow>(columns))
                : ml.Data.LoadFromEnumerable(indexes.Select(i => new RegressionRow { Label = labels[i], Features = Row(i) }), Schema<RegressionRow>(columns));
    }

    /// <summary>The vector's length is known only at run time: set it on the schema ML.NET derives from the row type.</summary>
    private static SchemaDefinition Schema<T>(int columns)
    {
        var schema = SchemaDefinition.Create(typeof(T));
        schema[Features].ColumnType = new VectorDataViewType(NumberDataViewType.Single, columns);
        return schema;
    }
}

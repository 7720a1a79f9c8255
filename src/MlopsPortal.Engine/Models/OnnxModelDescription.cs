namespace MlopsPortal.Engine.Models;

/// <summary>One input of an ONNX model as the portal reads it: name, element type and shape (-1 for "any").</summary>
public sealed record OnnxInput(string Name, string ElementType, IReadOnlyList<int> Shape);

/// <summary>
/// What an ONNX file asks for and gives: its inputs, how the portal will feed them (one float matrix of all features in
/// order, or one column per input named after a dataset column), the output it reads scores from, and its producer.
/// </summary>
public sealed record OnnxModelDescription(
    IReadOnlyList<OnnxInput> Inputs, bool OneMatrix, int FeatureCount, string ScoreOutput, int ScoreIndex, string Producer, string RuntimeVersion);

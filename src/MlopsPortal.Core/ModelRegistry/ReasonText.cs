namespace MlopsPortal.Core.ModelRegistry;

/// <summary>
/// What a reason code says to the person a prediction is about (an adverse-action notice): the feature, and the text
/// shown for it ("Number of prior offences").
/// </summary>
public sealed record ReasonText(string Feature, string Text);

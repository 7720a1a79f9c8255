namespace MlopsPortal.Core.Scheduling;

/// <summary>
/// The one schedule of a kind that a feature keeps for a subject (for example a model's retraining or drift report):
/// the row's name, the payload each firing passes, and the model the audit event names.
/// </summary>
public sealed record SubjectSchedule(string Kind, string SubjectType, string SubjectId, string Name, JobPayload Payload, string? Model)
{
    /// <summary>A schedule of a model's, as the features keep them ("model", the model's id).</summary>
    public static SubjectSchedule ForModel(Guid modelId, string slug, string kind, string name, JobPayload payload) =>
        new(kind, "model", modelId.ToString(), name, payload, slug);
}

using System.Text;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Hashing;

namespace MlopsPortal.Core.ModelRegistry;

public sealed partial class ModelService
{
    /// <summary>Compliance owns what reason codes say to people: the texts are theirs to sign.</summary>
    public static readonly string[] ReasonTextRoles = [.. Policies.RolesByPolicy[Policies.SignReasonTexts]];

    public const int ReasonTextLength = 200;

    /// <summary>
    /// Replaces a model's adverse-action reason texts, signed by the compliance officer who saves them: the audit event
    /// names them and holds the SHA-256 of the texts' canonical JSON, so a notice can be traced to the exact wording in force.
    /// Every feature must be one the model or one of its versions reads; a text is one line of at most 200 characters.
    /// </summary>
    public async Task<Model> SetReasonTextsAsync(Actor actor, string slug, IReadOnlyList<ReasonText> texts, CancellationToken ct = default)
    {
        actor.Require(ReasonTextRoles);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var model = await FindAsync(db, slug, ct);
        var versionFeatures = await db.ModelVersions.Where(v => v.ModelId == model.Id).Select(v => v.Features).ToListAsync(ct);
        var known = model.FeatureColumns.Concat(versionFeatures.SelectMany(f => f)).ToHashSet(StringComparer.Ordinal);
        var cleaned = new List<ReasonText>();
        var problems = new List<string>();
        foreach (var (feature, text) in (texts ?? []).Select(t => ((t.Feature ?? "").Trim(), (t.Text ?? "").Trim())))
        {
            if (feature.Length == 0) problems.Add("A reason text has no feature.");
            else if (!known.Contains(feature)) problems.Add($"'{feature}' is not a feature of '{model.Slug}' or of any of its versions.");
            if (text.Length == 0) problems.Add($"The reason text for '{feature}' is empty.");
            else if (text.Length > ReasonTextLength || text.Contains('\n')) problems.Add($"The reason text for '{feature}' must be one line of at most {ReasonTextLength} characters.");
            cleaned.Add(new ReasonText(feature, text));
        }
        foreach (var dup in cleaned.GroupBy(t => t.Feature).Where(g => g.Count() > 1 && g.Key.Length > 0))
            problems.Add($"'{dup.Key}' has more than one reason text.");
        if (problems.Count > 0) throw new PortalValidationException(string.Join(" ", problems.Distinct()));

        cleaned = [.. cleaned.OrderBy(t => t.Feature, StringComparer.Ordinal)];
        var sha = Sha256Hex.Of(Encoding.UTF8.GetBytes(CanonicalJson.Serialize(System.Text.Json.JsonSerializer.SerializeToNode(cleaned, Json))));
        model.ReasonTexts = cleaned;
        model.ReasonTextsSignedBy = actor.AuditName;
        model.ReasonTextsSignedAt = DateTime.UtcNow;
        model.UpdatedBy = actor.AuditName;
        model.UpdatedAt = DateTime.UtcNow;
        db.Audit(actor.AuditName, "model.reason-texts-signed", "model", model.Id.ToString(), new
        {
            slug = model.Slug, sha256 = sha, features = cleaned.Count, texts = cleaned.ToDictionary(t => t.Feature, t => t.Text),
        });
        await db.SaveChangesAsync(ct);
        return model;
    }
}

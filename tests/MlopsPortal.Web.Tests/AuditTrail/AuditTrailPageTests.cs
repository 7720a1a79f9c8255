using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditReading;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Security;
using MlopsPortal.Web.Components.Pages.AuditTrail;
using MlopsPortal.Web.Tests.Shared;

namespace MlopsPortal.Web.Tests.AuditTrail;

/// <summary>The audit trail reads like a record: one sentence per event, with people's names and the entities' names.</summary>
public sealed class AuditTrailPageTests(SqlitePortal portal) : IClassFixture<SqlitePortal>
{
    [Fact]
    public async Task ShouldShowEachEventAsASentenceWithNames_WhenAnAuditorOpensTheTrail()
    {
        var dana = Actor.FromPrincipal(Principal(SqlitePortal.Email, Roles.BusinessStakeholder));
        await portal.Portal.Services.GetRequiredService<ModelService>().SetAcceptanceCriteriaAsync(dana, "credit-risk",
            [new AcceptanceCriterion("auc", ">=", 0.75, Roles.BusinessStakeholder)]);
        await SignedPromotionAsync();

        await using var ctx = portal.NewContext();
        ctx.Services.AddSingleton(portal.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>());
        ctx.Services.AddSingleton(portal.Portal.Services.GetRequiredService<AuditSentenceService>());
        var state = Task.FromResult(new AuthenticationState(Principal("auditor@x.test", Roles.Auditor)));
        var cut = ctx.Render<CascadingValue<Task<AuthenticationState>>>(p => p.Add(c => c.Value, state).AddChildContent<AuditTrailPage>());

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=audit-sentence]").Count.ShouldBeGreaterThanOrEqualTo(4), TimeSpan.FromSeconds(10));
        var sentences = cut.FindAll("[data-testid=audit-sentence]").Select(s => s.TextContent.Trim()).ToList();
        sentences.ShouldContain("Dana Stakeholder approved the promotion of credit-risk v3 to Production as Business stakeholder.");
        sentences.ShouldContain("Dana Stakeholder changed the acceptance criteria of credit-risk.");
        sentences.ShouldContain(s => s.EndsWith("registered the model credit-risk.", StringComparison.Ordinal));
        sentences.ShouldContain(s => s.EndsWith("gave Dana Stakeholder the Business stakeholder role.", StringComparison.Ordinal));
        // Words, not codes: no GUID, no actor key, no JSON.
        var grid = cut.Find("[data-testid=audit-grid] tbody").TextContent;
        grid.ShouldNotMatch("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}");
        grid.ShouldNotContain("user:");
        grid.ShouldNotContain("{\"");
    }

    /// <summary>A promotion request of credit-risk v3 signed by Dana: written as the approval service writes it.</summary>
    private async Task SignedPromotionAsync()
    {
        await using var db = await portal.Portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        var version = new ModelVersion
        {
            Id = Guid.NewGuid(), ModelId = portal.Model.Id, Number = 3, PackageSha256 = new string('a', 64), Task = "binaryClassification",
            TrainedBy = "user:someone@x.test", CreatedAt = DateTime.UtcNow,
        };
        db.ModelVersions.Add(version);
        var request = new ApprovalRequest
        {
            Id = "req-bunit", Kind = ApprovalKinds.Promotion, SubjectType = EntityKinds.ModelVersion, SubjectId = version.Id.ToString(),
            ModelId = portal.Model.Id, TargetStage = VersionStage.Production, Summary = "Promote credit-risk v3 to Production",
            RequestedBy = "user:someone@x.test", RequestedAt = DateTime.UtcNow, ExpiresAt = DateTime.UtcNow.AddDays(14),
        };
        db.ApprovalRequests.Add(request);
        db.Audit($"user:{SqlitePortal.Email}", "approval.signed", EntityKinds.ApprovalRequest, request.Id,
            new { role = Roles.BusinessStakeholder, decision = "approve", comment = "Meets my criteria." });
        await db.SaveChangesAsync();
    }

    private static ClaimsPrincipal Principal(string name, string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], "Test"));
}

using MlopsPortal.Engine.Demo;
using MlopsPortal.Core.Lineage;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Dashboards;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Demo;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Reports;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Testing;
using MlopsPortal.Web.Cli;

namespace MlopsPortal.Web.Tests.Demo;

/// <summary>
/// The first-run demo workspace on a real SQLite portal whose scheduler runs the jobs: what it builds, that a second
/// build changes nothing, that it refuses a portal in use or users whose passwords it does not know (writing nothing),
/// and that the dashboards read it right.
/// </summary>
public sealed class DemoWorkspaceTests
{
    private static async Task<PortalTestHost> StartAsync(string? password = PortalTestHost.Password) =>
        await PortalTestHost.StartAsync(overrides: new Dictionary<string, string?>
        {
            ["Demo:SeedUsers"] = "true", ["Demo:Password"] = password ?? "",
        });

    private static async Task<IReadOnlyList<DemoCredential>> SeedAsync(PortalTestHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedIfEmptyAsync();
    }

    private static async Task<DemoWorkspaceResult> BuildAsync(PortalTestHost host, IReadOnlyDictionary<string, string>? passwords = null)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DemoWorkspace>().BuildAsync(passwords, TextWriter.Null);
    }

    private static async Task<T> QueryAsync<T>(PortalTestHost host, Func<PortalDbContext, Task<T>> query)
    {
        await using var db = await host.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        return await query(db);
    }

    [Fact]
    public async Task ShouldBuildEverythingWithRealJobsOnce_AndReadRightOnTheDashboards()
    {
        await using var host = await StartAsync();
        (await SeedAsync(host)).Count.ShouldBe(6);

        var result = await BuildAsync(host);

        result.Built.ShouldBeTrue();
        result.Steps.Count.ShouldBe(11);
        var runs = await QueryAsync(host, db => db.JobRuns.AsNoTracking().ToListAsync());
        runs.ShouldAllBe(r => r.Status == JobRunStatus.Succeeded);
        runs.GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count()).ShouldBe(new Dictionary<string, int>
        {
            [TrainModelJob.Kind] = 3, [EvaluateModelJob.Kind] = 3, [AuditFairnessJob.Kind] = 3, [ScoreBatchJob.Kind] = 3,
            [ReportDriftJob.Kind] = 3, [MeasureLivePerformanceJob.Kind] = 2, [GenerateReportJob.Kind] = 1, [ReproduceTrainingJob.Kind] = 1,
        }, ignoreOrder: true);
        var versions = await QueryAsync(host, db => db.ModelVersions.AsNoTracking().OrderBy(v => v.Number).ToListAsync());
        versions.Select(v => v.Stage).ShouldBe([VersionStage.Production, VersionStage.None, VersionStage.None]);
        versions[2].TrainedBy.ShouldContain("drift-alert:");
        // The retrained version keeps the champion's recipe: only the data changed.
        versions[2].Hyperparameters["max_depth"].ShouldBe(versions[0].Hyperparameters["max_depth"]);

        var change = await QueryAsync(host, db => db.StageChanges.AsNoTracking().SingleAsync(h => h.To == VersionStage.Production));
        change.SignedBy.Count.ShouldBe(3);
        var open = await QueryAsync(host, db => db.ApprovalRequests.AsNoTracking().SingleAsync(r => r.Status == ApprovalStatus.Open));
        open.SubjectId.ShouldBe(versions[2].Id.ToString());
        open.GatesPassed.ShouldBeTrue();
        (await QueryAsync(host, db => db.AuditEvents.CountAsync(e => e.Action == "approval.signed"))).ShouldBe(5);
        (await QueryAsync(host, db => db.DriftAlerts.CountAsync())).ShouldBeGreaterThan(0);
        (await QueryAsync(host, db => db.ComplianceReports.CountAsync())).ShouldBe(1);
        (await QueryAsync(host, db => db.OutcomeUploads.CountAsync())).ShouldBe(2);
        // The batches are scored with reasons, in the words compliance signed: the first row's prediction explains itself.
        var model = await QueryAsync(host, db => db.Models.AsNoTracking().SingleAsync());
        model.ReasonTexts.Count.ShouldBe(6);
        model.ReasonTextsSignedBy.ShouldNotBeNull().ShouldStartWith("user:");
        var scores = await QueryAsync(host, db => db.DatasetVersions.AsNoTracking().Join(db.Datasets, v => v.DatasetId, d => d.Id, (v, d) => new { v.Id, v.Version, d.Name })
            .Where(x => x.Name == DemoWorkspace.ModelSlug + "-scores").OrderBy(x => x.Version).Select(x => x.Id).FirstAsync());
        var firstKey = CreditRiskData.Generate(DemoWorkspace.Batches[0])[0].ApplicantId;
        var prediction = await host.Services.GetRequiredService<PredictionReasons>().FindAsync(scores, firstKey);
        prediction.HasReasons.ShouldBeTrue();
        prediction.Reasons.Count.ShouldBe(3);
        prediction.Reasons.ShouldAllBe(r => r.Text != null && model.ReasonTexts.Any(t => t.Text == r.Text));
        await using (var scope = host.Services.CreateAsyncScope())
            (await scope.ServiceProvider.GetRequiredService<AuditTrailService>().VerifyAsync(Actor.Cli())).Intact.ShouldBeTrue();

        // Idempotent: the second build finds the marker and writes nothing.
        var events = await QueryAsync(host, db => db.AuditEvents.CountAsync());
        var again = await BuildAsync(host);
        again.Built.ShouldBeFalse();
        again.Message.ShouldContain("already built");
        (await QueryAsync(host, db => db.AuditEvents.CountAsync())).ShouldBe(events);

        // The dashboards read the workspace.
        var dashboards = host.Services.GetRequiredService<DashboardService>();
        var portfolio = await dashboards.PortfolioAsync();
        portfolio.Models.ShouldBe(1);
        portfolio.TierStage.Single(c => c.Tier == RiskTier.High && c.Stage == "Production").Models.ShouldBe([DemoWorkspace.ModelSlug]);
        portfolio.TierStage.Where(c => c.Stage != "Production").ShouldAllBe(c => c.Models.Count == 0);
        portfolio.JobSuccessRate.Value.ShouldBe(1.0);
        portfolio.JobSuccessRate.Count.ShouldBe(runs.Count);
        portfolio.JobTrend[^1].Value.ShouldBe(runs.Count);
        portfolio.DeploymentFrequency.Value.ShouldBe(1);
        portfolio.MeanTimeToRollBackSeconds.Value.ShouldBeNull();
        portfolio.RetrainingLeadTimeSeconds.Value.ShouldBeNull();
        portfolio.RetrainingLeadTimeSeconds.Note.ShouldContain("No retrained version reached Production");
        var fidelity = portfolio.Fidelity.Single();
        fidelity.Champion.ShouldBe(1);
        fidelity.DriftTrend.Count.ShouldBe(3);
        fidelity.DriftTrend[0].Value.ShouldBe(0);
        fidelity.DriftTrend[2].Value!.Value.ShouldBeGreaterThan(0);
        fidelity.BandShare.Value!.Value.ShouldBeInRange(0.5, 1.0);
        fidelity.BatchTrend.Count.ShouldBe(3);
        fidelity.BatchTrend[2].Value!.Value.ShouldBeLessThan(fidelity.BatchTrend[0].Value!.Value); // lower incomes, riskier scores
        fidelity.OpenAlerts.ShouldBeGreaterThan(0);
        portfolio.Kpis.Select(k => k.Metric).ShouldBe(["auc", "precision"]);
        portfolio.Kpis.ShouldAllBe(k => k.Met == true && k.Live != null && k.EvaluationId != null);
        var findings = await dashboards.OutOfPolicyAsync();
        findings.ShouldContain(f => f.Slug == DemoWorkspace.ModelSlug && f.Finding.Contains("alert open") && f.Link.StartsWith("/alerts/"));

        // The waiting retrained version signed by the three roles: it reaches Production, and the lead time is measured.
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var approvals = ApprovalCalls.From(scope.ServiceProvider);
            foreach (var role in new[] { Roles.MlEngineer, Roles.BusinessStakeholder, Roles.ComplianceOfficer })
            {
                var name = $"{DemoSeeder.DemoUserNames[role]}@demo.local";
                var id = await QueryAsync(host, db => db.Users.Where(u => u.UserName == name).Select(u => u.Id).SingleAsync());
                await approvals.SignOffs.SignAsync(new Actor(id, name, new HashSet<string> { role }, false), open.Id, new SignOffInput(true, "ok", Password: PortalTestHost.Password));
            }
        }
        var after = await dashboards.PortfolioAsync();
        after.DeploymentFrequency.Value.ShouldBe(2);
        after.RetrainingLeadTimeSeconds.Count.ShouldBe(1);
        after.RetrainingLeadTimeSeconds.Value!.Value.ShouldBeGreaterThan(0);
        after.RetrainingLeadTimeSeconds.Link.ShouldBe($"/model-versions/{versions[2].Id}");
        after.Fidelity.Single().Champion.ShouldBe(3);
    }

    [Fact]
    public async Task ShouldRefuseAndWriteNothing_WhenThePortalAlreadyHoldsData()
    {
        await using var host = await StartAsync();
        await SeedAsync(host);
        await host.Services.GetRequiredService<Core.Datasets.DatasetService>()
            .AddAsync(Actor.Cli(), new MemoryStream("a,b\n1,2\n"u8.ToArray()), "mine", "mine.csv");
        var events = await QueryAsync(host, db => db.AuditEvents.CountAsync());

        var e = await Should.ThrowAsync<PortalValidationException>(() => BuildAsync(host));

        e.Message.ShouldContain("empty portal only");
        (await QueryAsync(host, db => db.AuditEvents.CountAsync())).ShouldBe(events);
        (await QueryAsync(host, db => db.Models.CountAsync())).ShouldBe(0);
    }

    [Fact]
    public async Task ShouldSayWhatIsMissing_WhenTheDemoUsersOrTheirPasswordsAreUnknown()
    {
        await using var host = await StartAsync(password: null);
        (await Should.ThrowAsync<PortalValidationException>(() => BuildAsync(host))).Message.ShouldContain("does not exist");
        var seeded = await SeedAsync(host); // random passwords, not kept by anyone but the seeder's caller

        var e = await Should.ThrowAsync<PortalValidationException>(() => BuildAsync(host));
        e.Message.ShouldContain("is unknown here");
        (await QueryAsync(host, db => db.Datasets.CountAsync())).ShouldBe(0);

        // With the passwords the first start printed, it builds.
        var passwords = seeded.ToDictionary(c => c.UserName, c => c.Password);
        (await BuildAsync(host, passwords)).Built.ShouldBeTrue();
    }

    [Fact]
    public async Task ShouldBuildThenSayItIsThere_WhenTheDemoCommandRunsTwice()
    {
        using var dir = new TempDirectory();
        async Task<(int Exit, JsonElement Json)> RunAsync()
        {
            var output = new StringWriter();
            var exit = await PortalCommandLine.RunAsync(["demo", "--json", "--data-dir", dir.Path], output, new StringWriter());
            return (exit, JsonDocument.Parse(output.ToString()).RootElement);
        }

        var (exit, first) = await RunAsync();
        exit.ShouldBe(0);
        first.GetProperty("built").GetBoolean().ShouldBeTrue();
        first.GetProperty("steps").GetArrayLength().ShouldBe(11);
        first.GetProperty("users").GetArrayLength().ShouldBe(6);
        first.GetProperty("seconds").GetDouble().ShouldBeGreaterThan(0);

        var (again, second) = await RunAsync();
        again.ShouldBe(0);
        second.GetProperty("built").GetBoolean().ShouldBeFalse();
        second.GetProperty("users").GetArrayLength().ShouldBe(0);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

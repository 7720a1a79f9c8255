using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Drift;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Monitoring;
using MlopsPortal.Core.Reports;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Engine.Demo;

namespace MlopsPortal.Core.Demo;

/// <summary>One thing the demo build did, and how long it took.</summary>
public sealed record DemoStep(string Name, string Detail, TimeSpan Took);

public sealed record DemoWorkspaceResult(bool Built, string Message, IReadOnlyList<DemoStep> Steps, TimeSpan Took);

/// <summary>
/// The first-run demo workspace: an empty portal filled by its own services and jobs — the same calls the pages, API and
/// command line make, in the demo users' names — never by inserting finished rows. Synthetic credit-risk data (generated,
/// deterministic) is ingested; a champion and a challenger are trained, evaluated and audited; the champion goes to
/// Production through the full High-tier approval; monthly batches are scored, the later ones drifting; the alerts they
/// raise start a retraining; outcomes arrive; compliance generates the model's audit report.
/// </summary>
public sealed class DemoWorkspace(
    IDbContextFactory<PortalDbContext> dbFactory, IOptions<DemoOptions> options, DatasetService datasets, ModelService models,
    TrainingService training, FairnessService fairness, PromotionRequests promotions, ModelChangeRequests modelChanges, SignOffService signOffs, DriftService drift, OutcomeService outcomes,
    ReportService reports, JobService jobs, DemoProgress progress, Monitoring.MonitoringService monitoring)
{
    public const string ModelSlug = "credit-risk";
    public const string TrainingDataset = "credit-applications";
    public const string HoldoutDataset = "credit-applications-holdout";
    public const string BatchDataset = "credit-applications-monthly";
    public const string BuiltAction = "demo.workspace-built";
    private const string Justification = "Demo workspace: ";
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The monthly batches: the first as trained, the second and third drifting (lower incomes, a new region).</summary>
    public static readonly IReadOnlyList<CreditRiskOptions> Batches =
    [
        new() { Rows = 2000, Month = "2026-08", Seed = 8, FirstApplicantNumber = 200_001 },
        new() { Rows = 2000, Month = "2026-09", Seed = 9, FirstApplicantNumber = 300_001, IncomeShift = 0.85, NewRegionShare = 0.10 },
        new() { Rows = 2000, Month = "2026-10", Seed = 10, FirstApplicantNumber = 400_001, IncomeShift = 0.70, NewRegionShare = 0.25 },
    ];

    private readonly List<DemoStep> _steps = [];
    private readonly Stopwatch _step = new();
    private TextWriter _log = TextWriter.Null;

    /// <summary>
    /// Builds the workspace into an empty portal; does nothing on a portal that has it already, and refuses one that
    /// holds other models or datasets. <paramref name="passwords"/> are the demo users' (by user name) for their
    /// sign-offs' step-up; without one, the configured demo password is used.
    /// </summary>
    public async Task<DemoWorkspaceResult> BuildAsync(IReadOnlyDictionary<string, string>? passwords, TextWriter? log, CancellationToken ct = default)
    {
        _log = log ?? TextWriter.Null;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            if (await db.AuditEvents.AnyAsync(e => e.Action == BuiltAction, ct))
                return new(false, "The demo workspace is already built: nothing to do.", [], TimeSpan.Zero);
            if (await db.Models.AnyAsync(ct) || await db.Datasets.AnyAsync(ct))
                throw new PortalValidationException("The demo workspace is built into an empty portal only, and this one already holds models or datasets: nothing was changed. Use an empty data directory (or database) for the demo.");
        }
        var people = await PeopleAsync(passwords, ct);
        progress.Start();
        try
        {
            return await BuildStepsAsync(people, ct);
        }
        catch (Exception e)
        {
            progress.Finish(e.Message);
            throw;
        }
    }

    private async Task<DemoWorkspaceResult> BuildStepsAsync(People people, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        _step.Restart();

        // 1. Data: the training month, a labelled holdout month, and the data-fairness view of the sensitive attribute.
        var history = CreditRiskData.Generate(new CreditRiskOptions { Rows = 4000, Month = "2026-06" });
        var holdout = CreditRiskData.Generate(new CreditRiskOptions { Rows = 2000, Month = "2026-07", Seed = 11, FirstApplicantNumber = 100_001 });
        var trainData = await AddCsvAsync(people.Scientist, TrainingDataset, "credit-applications-2026-06.csv", history, true, ct);
        var holdoutData = await AddCsvAsync(people.Scientist, HoldoutDataset, "credit-applications-2026-07.csv", holdout, true, ct);
        foreach (var name in new[] { TrainingDataset, HoldoutDataset })
            await datasets.UpdateAsync(people.Scientist, name, "Synthetic credit applications generated by the demo (deterministic; gender carries a historical labelling bias).", [CreditRiskData.SensitiveColumn], ct);
        Done("Ingested data", $"{history.Count} training rows (2026-06) and {holdout.Count} holdout rows (2026-07)");

        // 2. The model: the engineer registers it, the stakeholder sets the criteria and the band they own.
        await models.CreateAsync(people.Engineer, new ModelDefinition
        {
            Slug = ModelSlug, DisplayName = "Credit default risk", RiskTier = "high", Task = "binaryClassification",
            Description = "Probability that a consumer-credit applicant defaults within twelve months (demo workspace, synthetic data).",
            Owners = [people.Engineer.Name, people.Scientist.Name], Team = "Retail credit", UseCase = "Pre-screening of consumer-credit applications",
            KeyColumns = [CreditRiskData.KeyColumn], LabelColumn = CreditRiskData.LabelColumn, PositiveLabel = CreditRiskData.PositiveLabel,
            FeatureColumns = [.. CreditRiskData.FeatureColumns], SensitiveAttributes = [CreditRiskData.SensitiveColumn],
            KnownLimitations = "Trained on one month of synthetic applicants; the historical labels over-record defaults for women.",
        }, ct);
        await modelChanges.ProposeCriteriaAsync(people.Stakeholder, ModelSlug,
        [
            new AcceptanceCriterion("auc", ">=", 0.75, Roles.BusinessStakeholder),
            new AcceptanceCriterion("precision", ">=", 0.55, Roles.BusinessStakeholder),
        ], Justification + "we accept a model that ranks well, and of the applicants it flags at least 55% must really default.", ct);
        await modelChanges.ProposeBandAsync(people.Stakeholder, ModelSlug, new ConfidenceBand(0, 0.35),
            Justification + "applications scored under 0.35 are approved without a manual review.", ct);
        Done("Registered the model", $"{ModelSlug} (High risk tier), two acceptance criteria and a confidence band from the stakeholder");

        // 3. Champion and challenger, both trained by the scientist; each evaluated on the holdout and audited for fairness.
        var champion = await TrainAsync(people.Scientist, new TrainingRunRequest(ModelSlug, trainData,
            new Dictionary<string, string> { ["num_boost_round"] = "60", ["max_depth"] = "3", ["eta"] = "0.15" }, 7) { Reason = Justification + "champion candidate" }, ct);
        var challenger = await TrainAsync(people.Scientist, new TrainingRunRequest(ModelSlug, trainData,
            new Dictionary<string, string> { ["num_boost_round"] = "25", ["max_depth"] = "8", ["eta"] = "0.3" }, 7) { Reason = Justification + "challenger: deeper trees" }, ct);
        Done("Trained champion and challenger", $"versions {champion.Number} and {challenger.Number}");
        foreach (var version in new[] { champion, challenger })
            await FinishAsync(await training.StartEvaluationAsync(people.Scientist, version.Id, holdoutData, null, ct), ct);
        foreach (var version in new[] { champion, challenger })
            await FinishAsync(await fairness.StartAuditAsync(people.Scientist, new FairnessAuditRequest
            {
                ModelVersionId = version.Id, DatasetVersionId = holdoutData, Bootstrap = 200, Seed = 7,
            }, ct), ct);
        Done("Evaluated and audited both", "holdout metrics, acceptance criteria and fairness by gender (200 bootstrap resamples)");

        // 4. The champion's promotion: the scientist asks; engineer, stakeholder and compliance sign (High tier).
        var request = await promotions.RequestPromotionAsync(people.Scientist, new PromotionInput(champion.Id, "Production",
            Justification + "best holdout AUC of the two candidates; criteria met; fairness within policy."), ct);
        if (request.Blocked)
            throw new InvalidOperationException($"The champion's promotion gates failed: {string.Join("; ", request.Gates.Where(g => !g.Passed).Select(g => g.Summary))}");
        // The engineer trains the champion again from its recorded inputs before saying it reproduces: what the sign-off
        // says is what the version page shows.
        var reproduction = await FinishAsync(await monitoring.StartReproduceAsync(people.Engineer, champion.Id, ct), ct);
        bool identical;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            identical = await db.Reproductions.AnyAsync(r => r.Id == reproduction.Id && r.Identical, ct);
        foreach (var (who, comment) in new[]
                 {
                     (people.Engineer, identical
                         ? "Evaluation and training logs reviewed; training it again from its recorded inputs gave the same package."
                         : "Evaluation and training logs reviewed; training it again gave a different package: see the version page."),
                     (people.Stakeholder, "Meets my criteria on the holdout."),
                     (people.Compliance, "Fairness audit read; the label bias is documented as a known limitation."),
                 })
            await signOffs.SignAsync(who, request.Id, new SignOffInput(true, comment, Password: people.Passwords[who.Name]), ct);
        Done("Promoted the champion", $"version {champion.Number} reproduced, then to Production after three sign-offs (request {request.Id[..8]})");

        // 5. Rollback rules the stakeholder proposes and compliance and the engineer sign.
        var rules = await modelChanges.ProposeRollbackRulesAsync(people.Stakeholder, ModelSlug,
            [new RollbackRule("auc", "<", 0.6, 500)], Justification + "roll back when the live AUC falls under 0.6.", ct);
        await signOffs.SignAsync(people.Compliance, rules.Id, new SignOffInput(true, "Agreed.", Password: people.Passwords[people.Compliance.Name]), ct);
        await signOffs.SignAsync(people.Engineer, rules.Id, new SignOffInput(true, "Agreed.", Password: people.Passwords[people.Engineer.Name]), ct);
        Done("Signed rollback rules", "live AUC < 0.6 on at least 500 labelled rows");

        // Compliance signs what reason codes say on an adverse-action notice; the batches below are scored with three reasons a row.
        await models.SetReasonTextsAsync(people.Compliance, ModelSlug,
        [
            new("age", "Age of the applicant"), new("income", "Income too low for the amount of credit"),
            new("debt_ratio", "Debt too high relative to income"), new("employment", "Type of employment"),
            new("employment_years", "Length of employment"), new("region", "Region of residence"),
        ], ct);
        Done("Signed reason texts", "six features' adverse-action texts, signed by the compliance officer");

        // 6. Monthly batches: scored by the champion, checked for drift; outcomes of the first two months arrive.
        var alerts = 0;
        var batchVersions = new List<Guid>();
        foreach (var batch in Batches)
        {
            var rows = CreditRiskData.Generate(batch);
            var data = await AddCsvAsync(people.Engineer, BatchDataset, $"credit-applications-{batch.Month}.csv", rows, false, ct);
            batchVersions.Add(data);
            await FinishAsync(await training.StartScoringAsync(people.Engineer, champion.Id, data, null, ScoringDevices.Cpu, reasons: 3, ct), ct);
            await FinishAsync(await drift.StartReportAsync(people.Engineer, new DriftReportRequest(ModelSlug, data), ct), ct);
        }
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            alerts = await db.DriftAlerts.CountAsync(ct);
        Done("Scored three monthly batches", $"2026-08 to 2026-10 ({Batches.Sum(b => b.Rows)} applications); {alerts} drift alert(s) raised");

        foreach (var batch in Batches.Take(2))
        {
            var text = new StringWriter(CultureInfo.InvariantCulture);
            CreditRiskData.WriteOutcomes(text, CreditRiskData.Generate(batch));
            await outcomes.AddAsync(people.Engineer, ModelSlug, new MemoryStream(Encoding.UTF8.GetBytes(text.ToString())), $"outcomes-{batch.Month}.csv", ct);
            await WaitForIdleAsync(ct);
        }
        Done("Recorded outcomes", "the true labels of 2026-08 and 2026-09; live performance measured after each");

        // 7. Retraining from the newest alert on fresh labelled data: its promotion request waits for people.
        var labelled = CreditRiskData.Generate(Batches[1] with { Rows = 4000, FirstApplicantNumber = 500_001 });
        await AddCsvAsync(people.Scientist, TrainingDataset, "credit-applications-2026-09.csv", labelled, true, ct);
        DriftAlert alert;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            alert = await db.DriftAlerts.AsNoTracking().Where(a => a.Status == AlertStatus.Open).OrderByDescending(a => a.RaisedAt).FirstOrDefaultAsync(ct)
                    ?? throw new InvalidOperationException("The drifting batches raised no drift alert.");
        var retrained = await VersionOfAsync(await FinishAsync(await drift.RetrainAsync(people.Scientist, alert.Id, ct), ct), ct);
        var recent = CreditRiskData.Generate(Batches[1] with { Rows = 2000, Seed = 12, FirstApplicantNumber = 600_001 });
        var recentData = await AddCsvAsync(people.Scientist, HoldoutDataset, "credit-applications-2026-09-holdout.csv", recent, true, ct);
        await FinishAsync(await training.StartEvaluationAsync(people.Scientist, retrained.Id, recentData, null, ct), ct);
        await FinishAsync(await fairness.StartAuditAsync(people.Scientist, new FairnessAuditRequest
        {
            ModelVersionId = retrained.Id, DatasetVersionId = recentData, Bootstrap = 200, Seed = 7,
        }, ct), ct);
        string? waiting;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
            waiting = await db.ApprovalRequests.Where(r => r.SubjectId == retrained.Id.ToString() && r.Status == ApprovalStatus.Open)
                .Select(r => r.Id).FirstOrDefaultAsync(ct);
        if (waiting is not null)
            await promotions.RecheckGatesAsync(people.Scientist, waiting, ct);
        Done("Retrained from a drift alert", $"version {retrained.Number} on 2026-09 labels, evaluated and audited; its promotion waits for sign-offs");

        // 8. Compliance's signed audit report of the champion.
        await FinishAsync(await reports.StartModelAuditAsync(people.Compliance, champion.Id, ct), ct);
        Done("Generated a compliance report", $"the signed model audit report of version {champion.Number}");

        total.Stop();
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.Audit("system:demo", BuiltAction, "model", (await models.GetAsync(ModelSlug, ct)).Id.ToString(), new
            {
                seconds = Math.Round(total.Elapsed.TotalSeconds, 1),
                steps = _steps.Select(s => new { s.Name, seconds = Math.Round(s.Took.TotalSeconds, 1) }),
            });
            await db.SaveChangesAsync(ct);
        }
        progress.Finish(null);
        return new(true, $"The demo workspace was built in {total.Elapsed.TotalSeconds:0.0} s.", _steps, total.Elapsed);
    }

    private void Done(string name, string detail)
    {
        var step = new DemoStep(name, detail, _step.Elapsed);
        _steps.Add(step);
        _log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {step.Took.TotalSeconds,5:0.0} s  {name}: {detail}"));
        progress.Step(name);
        _step.Restart();
    }

    private async Task<Guid> AddCsvAsync(Actor actor, string name, string fileName, IReadOnlyList<CreditApplicant> rows, bool includeLabel, CancellationToken ct)
    {
        var text = new StringWriter(CultureInfo.InvariantCulture);
        CreditRiskData.WriteCsv(text, rows, includeLabel);
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text.ToString()));
        return (await datasets.AddAsync(actor, stream, name, fileName, ct)).Version.Id;
    }

    private async Task<ModelVersion> TrainAsync(Actor actor, TrainingRunRequest request, CancellationToken ct) =>
        await VersionOfAsync(await FinishAsync(await training.StartRunAsync(actor, request, ct: ct), ct), ct);

    private async Task<ModelVersion> VersionOfAsync(JobRun run, CancellationToken ct) =>
        (await training.GetVersionAsync(Guid.Parse(run.OutputEntityId!), ct)).Version;

    /// <summary>Waits for a queued job to end; a failed job stops the build with its error.</summary>
    private async Task<JobRun> FinishAsync(JobRun run, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while ((run = await jobs.GetAsync(run.Id, ct)).IsActive)
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"The {run.Kind} job {run.Id} did not finish within {JobTimeout.TotalMinutes} minutes: is a node executing jobs?");
            await Task.Delay(100, ct);
        }
        if (run.Status != JobRunStatus.Succeeded)
            throw new InvalidOperationException($"The {run.Kind} job {run.Id} ended {run.Status}: {run.Error}");
        return run;
    }

    /// <summary>Waits until the jobs a call queued by itself (e.g. the live-performance measurement after outcomes) have ended.</summary>
    private async Task WaitForIdleAsync(CancellationToken ct)
    {
        foreach (var run in await jobs.ActiveAsync(ct))
            await FinishAsync(run, ct);
    }

    private sealed record People(Actor Engineer, Actor Scientist, Actor Stakeholder, Actor Compliance, IReadOnlyDictionary<string, string> Passwords);

    /// <summary>The demo users the workspace acts as; they must exist (seeded at first start) and their passwords be known.</summary>
    private async Task<People> PeopleAsync(IReadOnlyDictionary<string, string>? passwords, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var o = options.Value;
        var known = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        async Task<Actor> As(string role)
        {
            var name = $"{DemoSeeder.DemoUserNames[role]}@{o.EmailDomain}";
            var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.NormalizedUserName == name.ToUpperInvariant(), ct)
                       ?? throw new PortalValidationException($"The demo workspace acts as the demo users, and '{name}' does not exist: start with Demo:SeedUsers=true on an empty database.");
            var password = passwords?.GetValueOrDefault(name) ?? (string.IsNullOrEmpty(o.Password) ? null : o.Password)
                           ?? throw new PortalValidationException($"The demo users sign with their passwords, and the one of '{name}' is unknown here: build the demo at the first start (which creates them), or set Demo:Password.");
            known[name] = password;
            return new Actor(user.Id, name, new HashSet<string> { role }, false);
        }
        return new People(await As(Roles.MlEngineer), await As(Roles.DataScientist), await As(Roles.BusinessStakeholder), await As(Roles.ComplianceOfficer), known);
    }
}

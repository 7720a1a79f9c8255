using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Fairness;
using MlopsPortal.Core.Lineage;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Reports;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;
using MlopsPortal.Web.Tests.Training;

namespace MlopsPortal.Web.Tests.Reports;

/// <summary>
/// Signed compliance reports from the real pipeline: a trained, evaluated and fairness-audited version; the report job;
/// the archive; verification of an untouched and a changed copy; regeneration; the period report; the API.
/// </summary>
[Collection(nameof(TrainingCollection))]
public sealed class ReportGenerationTests(TrainingFixture f)
{
    private ReportService Reports => f.Host.Services.GetRequiredService<ReportService>();

    internal static string PdfToText(byte[] pdf)
    {
        var file = Path.Combine(Path.GetTempPath(), $"report-{Guid.NewGuid():N}.pdf");
        File.WriteAllBytes(file, pdf);
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pdftotext", $"-layout {file} -") { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var errors = process.StandardError.ReadToEndAsync();
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            errors.Result.ShouldBeEmpty();
            return text;
        }
        finally
        {
            File.Delete(file);
        }
    }

    private async Task<ModelVersion> AuditedVersionAsync(string slug)
    {
        await f.CreateModelAsync(slug);
        var trained = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest(slug, f.Compas, TrainingFixture.FewRounds(), 8) { CodeVersion = "git:report" }));
        trained.Status.ShouldBe(JobRunStatus.Succeeded, trained.Error);
        var version = (await f.Training.GetVersionAsync(Guid.Parse(trained.OutputEntityId!))).Version;
        (await f.FinishAsync(await f.Training.StartEvaluationAsync(Actor.Cli(), version.Id, f.Compas, null))).Status.ShouldBe(JobRunStatus.Succeeded);
        var fairness = f.Host.Services.GetRequiredService<FairnessService>();
        (await f.FinishAsync(await fairness.StartAuditAsync(Actor.Cli(), new FairnessAuditRequest { ModelVersionId = version.Id, DatasetVersionId = f.Compas, Bootstrap = 20, Seed = 3 })))
            .Status.ShouldBe(JobRunStatus.Succeeded);
        return version;
    }

    private async Task<(ComplianceReport Report, byte[] Pdf)> GenerateAsync(Guid versionId)
    {
        var job = await f.FinishAsync(await Reports.StartModelAuditAsync(Actor.Cli(), versionId));
        job.Status.ShouldBe(JobRunStatus.Succeeded, job.Error);
        job.OutputEntityType.ShouldBe(EntityKinds.Report);
        var (report, stream) = await Reports.OpenAsync(Actor.Cli(), Guid.Parse(job.OutputEntityId!));
        using var buffer = new MemoryStream();
        await using (stream) await stream.CopyToAsync(buffer);
        return (report, buffer.ToArray());
    }

    [Fact]
    public async Task ShouldWriteEverySectionSignAndArchive_WhenAModelAuditReportIsGenerated()
    {
        var version = await AuditedVersionAsync("recid-report");
        var (report, pdf) = await GenerateAsync(version.Id);

        // Kept for looking at (pdftoppm -png): .test-results/reports/.
        var kept = Path.Combine(MlopsPortal.Testing.RepositoryRoot.Path, ".test-results", "reports");
        Directory.CreateDirectory(kept);
        await File.WriteAllBytesAsync(Path.Combine(kept, "model-audit-report.pdf"), pdf);
        report.Title.ShouldBe("Model audit report: recid-report v1");
        report.Pages.ShouldBeGreaterThan(10);
        report.Sha256.ShouldBe(MlopsPortal.Engine.Hashing.Sha256Hex.Of(pdf));
        var text = PdfToText(pdf);
        text.ShouldContain(report.Id.ToString());
        text.ShouldContain(version.PackageSha256);
        text.ShouldContain(report.ChainHash);
        foreach (var section in new[]
                 {
                     "Contents", "1. Model card", "Acceptance criteria", "2. Lineage", "3. Training data", "4. Training run", "Hyperparameters", "5. Evaluation",
                     "Confusion matrix", "Calibration", "Feature importance", "6. Champion versus challenger", "7. Fairness audit", "Disparities against the policy",
                     "8. Drift history", "9. Promotion requests", "10. Stage history", "11. Known limitations and open findings", "12. Monitoring plan",
                     "13. Statement of independent review", "14. Regulatory mapping", "to be supplied by the owner", "SR 26-2", "EU AI Act Annex IV",
                     "15. Audit trail verification", "Appendix: audit events about this version",
                 })
            text.ShouldContain(section);
        text.ShouldContain("git:report");
        text.ShouldContain("Pre-trial risk score");
        text.ShouldContain("Accuracy");
        text.ShouldContain("FAIL"); // the 0.99 accuracy criterion is missed
        text.ShouldContain("verified intact");
        text.ShouldContain("model-version.created");
        // People, roles and entities by name: no actor key, no role or task code, no id but the report's own.
        text.ShouldNotContain("user:");
        text.ShouldNotContain("BusinessStakeholder");
        text.ShouldNotContain("binaryClassification");
        text.Replace(report.Id.ToString(), "").ShouldNotMatch("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        text.ShouldContain($"Page {report.Pages} of {report.Pages}");
        var compas = await f.QueryAsync(db => db.DatasetVersions.Where(v => v.Id == f.Compas).Select(v => v.Sha256).SingleAsync());
        text.ShouldContain(compas);

        // Signed, archived, audited, in lineage.
        var check = MlopsPortal.Engine.Reports.PdfSignature.Check(pdf);
        check.Valid.ShouldBeTrue(check.Message);
        check.CoversWholeFile.ShouldBeTrue();
        check.SignerThumbprint!.ShouldBe((await Reports.CertificateFingerprintAsync()).Replace(":", ""), StringCompareShould.IgnoreCase);
        (await f.QueryAsync(db => db.AuditEvents.CountAsync(e => e.Action == "report.generated" && e.EntityId == report.Id.ToString()))).ShouldBe(1);
        var lineage = await f.Host.Services.GetRequiredService<LineageService>().GetAsync(new LineageQuery(EntityKinds.ModelVersion, version.Id.ToString(), LineageDirection.Down, 1));
        lineage.Nodes.ShouldContain(n => n.Id == $"report:{report.Id}" && n.Url == $"/reports/{report.Id}");

        // Verification: the archived file passes; one changed byte or an unknown signer fails.
        var verified = await Reports.VerifyAsync(Actor.Cli(), pdf);
        verified.Issued.ShouldBeTrue(verified.Message);
        verified.ReportId.ShouldBe(report.Id);
        var changed = (byte[])pdf.Clone();
        var at = Array.IndexOf(changed, (byte)'M', pdf.Length / 2);
        changed[at] = (byte)'N';
        var tampered = await Reports.VerifyAsync(Actor.Cli(), changed);
        tampered.Issued.ShouldBeFalse();
        tampered.Message.ShouldStartWith("Changed after signing");
        (await Reports.VerifyAsync(Actor.Cli(), pdf.Concat("\n%%EOF\n"u8.ToArray()).ToArray())).Message.ShouldContain("bytes were added after the signature");
        await Should.ThrowAsync<PortalValidationException>(() => Reports.VerifyAsync(Actor.Cli(), "not a pdf"u8.ToArray()));

        // Regenerating makes a new report and keeps the old one; both download.
        var (again, againPdf) = await GenerateAsync(version.Id);
        again.Id.ShouldNotBe(report.Id);
        again.Sha256.ShouldNotBe(report.Sha256);
        (await Reports.ListAsync(Actor.Cli(), version.Id)).Select(r => r.Id).ShouldBe([again.Id, report.Id]);
        (await Reports.VerifyAsync(Actor.Cli(), againPdf)).ReportId.ShouldBe(again.Id);
        (await Reports.VerifyAsync(Actor.Cli(), pdf)).ReportId.ShouldBe(report.Id);
    }

    [Fact]
    public async Task ShouldRefuseBadRequests_AndServeTheArchiveByRole_OverTheApi()
    {
        var version = await AuditedVersionAsync("recid-report-api");
        await f.Host.CreateUserAsync("report-co@x.test", Roles.ComplianceOfficer);
        await f.Host.CreateUserAsync("report-auditor@x.test", Roles.Auditor);
        await f.Host.CreateUserAsync("report-engineer@x.test", Roles.MlEngineer);
        var officer = f.Host.CreateClient(await f.Host.CreateTokenAsync("report-co@x.test"));
        var auditor = f.Host.CreateClient(await f.Host.CreateTokenAsync("report-auditor@x.test"));
        var engineer = f.Host.CreateClient(await f.Host.CreateTokenAsync("report-engineer@x.test"));

        (await engineer.PostAsJsonAsync("api/v1/reports/model-audit", new { modelVersionId = version.Id })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await auditor.PostAsJsonAsync("api/v1/reports/model-audit", new { modelVersionId = version.Id })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var missing = await officer.PostAsJsonAsync("api/v1/reports/model-audit", new { modelVersionId = Guid.NewGuid() });
        missing.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var backwards = await officer.PostAsJsonAsync("api/v1/reports/period", new { from = "2026-11-10T00:00:00Z", to = "2026-11-01T00:00:00Z" });
        backwards.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await backwards.Content.ReadAsStringAsync()).ShouldContain("must end after it starts");

        var accepted = await officer.PostAsJsonAsync("api/v1/reports/model-audit", new { modelVersionId = version.Id });
        accepted.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var job = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        var done = await f.FinishAsync(await f.Jobs.GetAsync(job.GetProperty("id").GetGuid()));
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        done.TriggeredBy.ShouldBe("user:report-co@x.test");

        var list = await auditor.GetFromJsonAsync<JsonElement>($"api/v1/reports?modelVersionId={version.Id}");
        list.GetArrayLength().ShouldBe(1);
        list[0].GetProperty("generatedBy").GetString().ShouldBe("user:report-co@x.test");
        var pdf = await auditor.GetByteArrayAsync($"api/v1/reports/{done.Id}/pdf");
        MlopsPortal.Engine.Hashing.Sha256Hex.Of(pdf).ShouldBe(list[0].GetProperty("sha256").GetString());
        (await engineer.GetAsync("api/v1/reports")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var verify = await auditor.PostAsync("api/v1/reports/verify", new ByteArrayContent(pdf));
        (await verify.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("issued").GetBoolean().ShouldBeTrue();

        var period = await officer.PostAsJsonAsync("api/v1/reports/period", new { from = DateTime.UtcNow.Date.AddDays(-7), to = DateTime.UtcNow.Date.AddDays(1) });
        period.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var periodJob = await f.FinishAsync(await f.Jobs.GetAsync((await period.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid()));
        periodJob.Status.ShouldBe(JobRunStatus.Succeeded, periodJob.Error);
        var periodText = PdfToText(await auditor.GetByteArrayAsync($"api/v1/reports/{periodJob.Id}/pdf"));
        foreach (var section in new[] { "1. Totals and operational metrics", "Deployment frequency", "Mean time to detect drift", "Retraining lead time", "Mean time to roll back",
                     "2. Promotions", "3. Rejections", "4. Rollbacks", "5. Overrides", "6. Drift alerts" })
            periodText.ShouldContain(section);
    }
}

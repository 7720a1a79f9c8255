using MlopsPortal.Core.Security;

namespace MlopsPortal.E2E;

/// <summary>A compliance officer generates a model audit report, downloads it and verifies the download on the Reports page.</summary>
[Collection(PortalCollection.Name)]
public sealed class ReportPagesTests(PortalBrowserFixture portal)
{
    [Fact]
    public async Task ShouldGenerateDownloadAndVerifyAReport_WhenAComplianceOfficerUsesTheReportsPage()
    {
        await portal.TrainCompasModelAsync("recid-report-e2e", "compas-report-e2e", "Recidivism (report)");

        var page = await portal.NewPageAsync(1366, 1000);
        await portal.SignInAsync(page, PortalBrowserFixture.UserFor(Roles.ComplianceOfficer));
        await page.GotoAsync("reports");
        await PortalBrowserFixture.WaitForInteractiveAsync(page);
        (await page.Locator("[data-testid=certificate-fingerprint]").InnerTextAsync()).ShouldMatch("^([0-9A-F]{2}:){31}[0-9A-F]{2}$");
        await page.Locator("input[data-testid=report-version]").FillAsync("recid-report-e2e v1");
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "recid-report-e2e v1 (no stage)" }).ClickAsync();
        await page.ClickAsync("[data-testid=generate-model]");
        // Progress while the job runs, then the signed PDF offered where it was asked for, under a name that says what it is.
        var ready = page.Locator("[data-testid=report-ready]");
        await ready.WaitForAsync(new() { Timeout = 60_000 });
        var readyDownload = await page.RunAndWaitForDownloadAsync(() => ready.Locator("[data-testid=download-ready]").ClickAsync());
        readyDownload.SuggestedFilename.ShouldBe($"recid-report-e2e-v1-model-audit-{DateTime.UtcNow:yyyy-MM-dd}.pdf");
        var row = page.Locator("[data-testid=reports] tr[data-report]", new() { HasText = "Model audit report: recid-report-e2e v1" });
        await row.WaitForAsync(new() { Timeout = 60_000 });
        await PortalBrowserFixture.ScreenshotAsync(page, "reports-archive");

        var download = await page.RunAndWaitForDownloadAsync(() => row.Locator("[data-testid=download-report]").ClickAsync());
        var file = Path.Combine(Path.GetTempPath(), $"e2e-report-{Guid.NewGuid():N}.pdf");
        await download.SaveAsAsync(file);
        try
        {
            (await File.ReadAllBytesAsync(file)).Take(5).ShouldBe("%PDF-"u8.ToArray());
            var result = page.Locator("[data-testid=verify-result]");
            await PortalBrowserFixture.ChooseFileAsync(page.Locator("[data-testid=verify-file]"), file, () =>
                result.WaitForAsync(new() { Timeout = 10_000 }));
            (await result.GetAttributeAsync("data-issued")).ShouldBe("true");
            (await result.InnerTextAsync()).ShouldContain("Issued by the portal and unchanged");
            await PortalBrowserFixture.ScreenshotAsync(page, "reports-verified");
        }
        finally
        {
            File.Delete(file);
        }

        await row.Locator("a").First.ClickAsync();
        await page.Locator("[data-testid=report-sha]").WaitForAsync();
        (await page.Locator("[data-testid=report-sha]").InnerTextAsync()).Length.ShouldBe(64);
        await PortalBrowserFixture.ScreenshotAsync(page, "report-page");
    }
}

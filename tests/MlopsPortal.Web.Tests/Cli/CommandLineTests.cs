using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Data;
using MlopsPortal.Testing;
using MlopsPortal.Web.Cli;

namespace MlopsPortal.Web.Tests.Cli;

/// <summary>The executable's commands, run in-process against a temp data dir (contracts §1 exit codes).</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Dispose();
    }

    private async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await PortalCommandLine.RunAsync([.. args, "--data-dir", _dir.Path, "--Demo:SeedUsers=false", $"--{TestCertificates.Setting}={TestCertificates.DataProtectionPath}"], output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task ShouldCreateAndListUsersAsJson_WhenUserCommandsRun()
    {
        var add = await RunAsync("user", "add", "ada@x.test", "--name", "Ada", "--role", "MlEngineer,Auditor", "--json");
        add.Exit.ShouldBe(0, add.Err);
        var created = JsonDocument.Parse(add.Out).RootElement;
        created.GetProperty("password").GetString()!.Length.ShouldBe(20);

        var list = await RunAsync("user", "list", "--json");
        list.Exit.ShouldBe(0, list.Err);
        var user = JsonDocument.Parse(list.Out).RootElement.EnumerateArray().Single();
        user.GetProperty("userName").GetString().ShouldBe("ada@x.test");
        user.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).ShouldBe(["Auditor", "MlEngineer"]);
    }

    [Fact]
    public async Task ShouldExitWith1AndAProblemObject_WhenTheInputIsBad()
    {
        var result = await RunAsync("user", "add", "bob@x.test", "--role", "Superuser", "--json");
        result.Exit.ShouldBe(1);
        var problem = JsonDocument.Parse(result.Err).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe(400);
        problem.GetProperty("detail").GetString()!.ShouldContain("Unknown role 'Superuser'");
    }

    [Fact]
    public async Task ShouldExitWith2_WhenTheUsageIsWrong()
    {
        (await RunAsync("user", "frobnicate")).Exit.ShouldBe(2);
        (await RunAsync("token", "create", "--name", "x")).Exit.ShouldBe(2); // --user is required
    }

    [Fact]
    public async Task ShouldExitWith3AndNameTheSequence_WhenTheAuditTrailWasEdited()
    {
        (await RunAsync("user", "add", "a@x.test", "--role", "Auditor")).Exit.ShouldBe(0);
        (await RunAsync("user", "add", "b@x.test", "--role", "Auditor")).Exit.ShouldBe(0);
        var ok = await RunAsync("audit", "verify", "--json");
        ok.Exit.ShouldBe(0, ok.Err);
        JsonDocument.Parse(ok.Out).RootElement.GetProperty("intact").GetBoolean().ShouldBeTrue();

        await using (var db = PortalDatabase.CreateContext(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_dir.Path, "portal.db")}"))
            await db.Database.ExecuteSqlRawAsync("UPDATE AuditEvents SET Actor = 'cli:mallory' WHERE Sequence = 2");

        var broken = await RunAsync("audit", "verify");
        broken.Exit.ShouldBe(3);
        broken.Out.ShouldContain("BROKEN at sequence 2");
    }

    [Fact]
    public async Task ShouldExitWith3NamingTheHead_WhenTheChainHeadRowIsDeleted()
    {
        (await RunAsync("user", "add", "a@x.test", "--role", "Auditor")).Exit.ShouldBe(0);
        await using (var db = PortalDatabase.CreateContext(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(_dir.Path, "portal.db")}"))
            await db.Database.ExecuteSqlRawAsync("DELETE FROM AuditChainHead");

        var broken = await RunAsync("audit", "verify");
        broken.Exit.ShouldBe(3, broken.Err);
        broken.Out.ShouldContain("AuditChainHead");
        var json = await RunAsync("audit", "verify", "--json");
        json.Exit.ShouldBe(3, json.Err);
        JsonDocument.Parse(json.Out).RootElement.GetProperty("intact").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task ShouldCheckTheAnchor_WhenVerifyIsGivenOne()
    {
        (await RunAsync("user", "add", "a@x.test", "--role", "Auditor")).Exit.ShouldBe(0);
        var head = (await RunAsync("audit", "head")).Out.Trim();
        (await RunAsync("audit", "verify", "--anchor", head)).Exit.ShouldBe(0);
        (await RunAsync("audit", "verify", "--anchor", "not-an-anchor")).Exit.ShouldBe(1);
    }

    [Fact]
    public async Task ShouldPrintATokenOnce_WhenTokenCreateRuns()
    {
        (await RunAsync("user", "add", "ci@x.test", "--role", "MlEngineer")).Exit.ShouldBe(0);
        var created = await RunAsync("token", "create", "--user", "ci@x.test", "--name", "pipeline", "--days", "7");
        created.Exit.ShouldBe(0, created.Err);
        created.Out.Trim().ShouldStartWith("mlp_");
        var list = await RunAsync("token", "list", "--user", "ci@x.test", "--json");
        list.Out.ShouldNotContain(created.Out.Trim());
        JsonDocument.Parse(list.Out).RootElement.EnumerateArray().Single().GetProperty("name").GetString().ShouldBe("pipeline");
    }

    [Fact]
    public async Task ShouldListEveryCommand_WhenHelpIsAsked()
    {
        var help = await RunAsync("--help");
        help.Exit.ShouldBe(0);
        foreach (var command in new[] { "serve", "migrate", "user", "token", "audit" })
            help.Out.ShouldContain(command);
        (await RunAsync("audit", "verify", "--help")).Out.ShouldContain("--anchor");
    }

    [Fact]
    public async Task ShouldWriteTheScriptWithoutADatabase_WhenMigrateScriptRuns()
    {
        var file = Path.Combine(_dir.Path, "pg.sql");
        var result = await RunAsync("migrate", "--script", "--provider", "Postgres", "--output", file);
        result.Exit.ShouldBe(0, result.Err);
        (await File.ReadAllTextAsync(file)).ShouldContain("CREATE TABLE \"AuditEvents\"");
    }

    [Fact]
    public async Task ShouldExitWith1AndSayWhatIsMissing_WhenPostgresHasNoConnectionString()
    {
        var result = await RunAsync("user", "list", "--Database:Provider=Postgres", "--ConnectionStrings:Portal=", "--json");
        result.Exit.ShouldBe(1);
        JsonDocument.Parse(result.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain("ConnectionStrings:Portal");
    }

    [Fact]
    public async Task ShouldWriteAProblemObject_WhenTheUsageIsWrongWithJson()
    {
        var result = await RunAsync("user", "add", "--json");
        result.Exit.ShouldBe(2);
        JsonDocument.Parse(result.Err).RootElement.GetProperty("title").GetString().ShouldBe("Usage error");
    }

    [Fact]
    public async Task ShouldReportTheGpuSelfTestWithItsExitCode_WhenWorkerCheckRuns()
    {
        var expected = new MlopsPortal.Core.Scheduling.CudaDriverSelfTest().Run();
        var check = await RunAsync("worker", "--check", "--json");
        check.Exit.ShouldBe(expected.Passed ? 0 : 3, check.Err);
        var result = JsonDocument.Parse(check.Out).RootElement;
        result.GetProperty("passed").GetBoolean().ShouldBe(expected.Passed);
        result.GetProperty("message").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task ShouldRefuseToRunAWorker_WhenTheDatabaseIsSqlite()
    {
        var worker = await RunAsync("worker", "--json");
        worker.Exit.ShouldBe(1);
        JsonDocument.Parse(worker.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain("PostgreSQL or SQL Server");
    }

    [Fact]
    public async Task ShouldExplainTheProblem_WhenACapabilityIsUnknown()
    {
        var worker = await RunAsync("worker", "--capabilities", "cpu,tpu");
        worker.Exit.ShouldBe(1);
        worker.Err.ShouldContain("Unknown capability 'tpu'");
    }

    [Fact]
    public async Task ShouldAddListAndShowADataset_WhenDatasetCommandsRun()
    {
        var compas = Path.Combine(RepositoryRoot.Path, "tests", "data", "compas", "compas-two-years.csv");
        var add = await RunAsync("dataset", "add", compas, "--name", "compas", "--json");
        add.Exit.ShouldBe(0, add.Err);
        var added = JsonDocument.Parse(add.Out).RootElement;
        added.GetProperty("rows").GetInt64().ShouldBe(7214);
        added.GetProperty("columns").GetInt32().ShouldBe(49);
        added.GetProperty("warnings").EnumerateArray().ShouldContain(w => w.GetString()!.Contains("priors_count_2"));

        var list = await RunAsync("dataset", "list", "--json");
        var listed = JsonDocument.Parse(list.Out).RootElement;
        listed.GetProperty("total").GetInt32().ShouldBe(1);
        listed.GetProperty("items").EnumerateArray().Single().GetProperty("name").GetString().ShouldBe("compas");

        var show = await RunAsync("dataset", "show", added.GetProperty("id").GetString()!, "--json");
        show.Exit.ShouldBe(0, show.Err);
        JsonDocument.Parse(show.Out).RootElement.GetProperty("schema").GetArrayLength().ShouldBe(49);
    }

    [Fact]
    public async Task ShouldExitWithBadInputNamingFileAndLine_WhenTheCsvIsRagged()
    {
        var file = Path.Combine(_dir.Path, "ragged.csv");
        await File.WriteAllTextAsync(file, "a,b,c\n1,2,3\n4,5\n");
        var add = await RunAsync("dataset", "add", file, "--name", "ragged", "--json");
        add.Exit.ShouldBe(1);
        var detail = JsonDocument.Parse(add.Err).RootElement.GetProperty("detail").GetString()!;
        detail.ShouldContain("ragged.csv: Line 3, column 3");
        JsonDocument.Parse((await RunAsync("dataset", "list", "--json")).Out).RootElement.GetProperty("total").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task ShouldCreateListAndShowAModel_WhenModelCommandsRun()
    {
        (await RunAsync("user", "add", "owner@x.test", "--role", "MlEngineer")).Exit.ShouldBe(0);
        var definition = Path.Combine(_dir.Path, "model.json");
        await File.WriteAllTextAsync(definition, """
            { "displayName": "Income over 50K", "owners": ["owner@x.test"], "task": "binaryClassification", "labelColumn": "income",
              "positiveLabel": ">50K", "acceptanceCriteria": [ { "metric": "auc", "comparator": ">=", "threshold": 0.85, "owningRole": "BusinessStakeholder" } ] }
            """);
        var create = await RunAsync("model", "create", "adult-income", "--definition", definition, "--risk-tier", "High",
            "--features", "age,education,hours-per-week", "--sensitive", "race,sex", "--json");
        create.Exit.ShouldBe(0, create.Err);
        var created = JsonDocument.Parse(create.Out).RootElement.GetProperty("definition");
        created.GetProperty("riskTier").GetString().ShouldBe("high");
        created.GetProperty("featureColumns").GetArrayLength().ShouldBe(3);
        created.GetProperty("acceptanceCriteria")[0].GetProperty("threshold").GetDouble().ShouldBe(0.85);

        var list = await RunAsync("model", "list", "--risk-tier", "high", "--json");
        JsonDocument.Parse(list.Out).RootElement.GetProperty("items")[0].GetProperty("slug").GetString().ShouldBe("adult-income");

        var show = await RunAsync("model", "show", "adult-income");
        show.Exit.ShouldBe(0, show.Err);
        show.Out.ShouldContain("criterion        auc >= 0.85 (owned by BusinessStakeholder)");
    }

    [Fact]
    public async Task ShouldExitWithBadInput_WhenTheModelDefinitionIsWrong()
    {
        var definition = Path.Combine(_dir.Path, "broken.json");
        await File.WriteAllTextAsync(definition, "{ \"displayName\": \"x\",\n  \"owners\": [ }");
        var broken = await RunAsync("model", "create", "x", "--definition", definition, "--json");
        broken.Exit.ShouldBe(1);
        JsonDocument.Parse(broken.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain("broken.json: line 2");

        var invalid = await RunAsync("model", "create", "x", "--owner", "ghost@x.test", "--label", "y", "--positive-label", "1", "--json");
        invalid.Exit.ShouldBe(1);
        JsonDocument.Parse(invalid.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain("No user named 'ghost@x.test'");
        (await RunAsync("model", "show", "x")).Exit.ShouldBe(1);
    }

    private static string Adult(string file) => Path.Combine(RepositoryRoot.Path, "tests", "data", "adult", file);

    [Fact]
    public async Task ShouldTrainTheSamePackageTwiceAndScoreInInputOrder_WhenTheOfflineCommandsRun()
    {
        var first = Path.Combine(_dir.Path, "a.pkg");
        var second = Path.Combine(_dir.Path, "b.pkg");
        var train = await RunAsync("train", "--data", Adult("adult.data"), "--label", "Y", "--seed", "7", "--param", "num_boost_round=30", "--out", first, "--json");
        train.Exit.ShouldBe(0, train.Err);
        var summary = JsonDocument.Parse(train.Out).RootElement;
        summary.GetProperty("task").GetString().ShouldBe("binaryClassification");
        summary.GetProperty("label").GetProperty("positiveLabel").GetString().ShouldBe(">50K");
        summary.GetProperty("trainRows").GetInt32().ShouldBe(26049);
        summary.GetProperty("rounds").GetInt32().ShouldBe(30);
        summary.GetProperty("validation").GetProperty("auc").GetDouble().ShouldBeGreaterThan(0.85);
        (await RunAsync("train", "--data", Adult("adult.data"), "--label", "Y", "--seed", "7", "--param", "num_boost_round=30", "--out", second)).Exit.ShouldBe(0);
        File.ReadAllBytes(second).ShouldBe(File.ReadAllBytes(first));

        var scores = Path.Combine(_dir.Path, "scores.csv");
        var score = await RunAsync("score", "--model", first, "--data", Adult("adult.test"), "--out", scores, "--key", "age,education", "--json");
        score.Exit.ShouldBe(0, score.Err);
        JsonDocument.Parse(score.Out).RootElement.GetProperty("device").GetString().ShouldBe("cpu");
        var lines = File.ReadAllLines(scores);
        lines.Length.ShouldBe(16282);
        lines[0].ShouldBe("age,education,score,prediction");
        lines[1].ShouldStartWith("25,11th,"); // the test file's first row, in input order
        lines.Skip(1).ShouldAllBe(l => l.EndsWith(",>50K") || l.EndsWith(",<=50K"));
    }

    [Theory]
    [InlineData(new[] { "--label", "nope" }, "adult.data: The data has no label column 'nope'.")]
    [InlineData(new[] { "--label", "Y", "--param", "objective=binary:nonsense" }, "binary:nonsense")]
    [InlineData(new[] { "--label", "Y", "--param", "num_boost_round=0" }, "num_boost_round must be a whole number from 1 to 10,000")]
    [InlineData(new[] { "--label", "Y", "--features", "age,fnlwgt,hours-per-week,nope" }, "no column 'nope'")]
    [InlineData(new[] { "--label", "Y", "--param", "rounds" }, "--param 'rounds' is not key=value")]
    public async Task ShouldExitWithBadInputAndWriteNoPackage_WhenTrainingCannotStart(string[] args, string expected)
    {
        var package = Path.Combine(_dir.Path, "never.pkg");
        var result = await RunAsync(["train", "--data", Adult("adult.data"), "--seed", "1", "--out", package, "--json", .. args]);
        result.Exit.ShouldBe(1);
        JsonDocument.Parse(result.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain(expected);
        File.Exists(package).ShouldBeFalse();
    }

    [Fact]
    public async Task ShouldRefuseOneClassLabelsCorruptPackagesAndCuda_WhenTheyAreOffered()
    {
        var oneClass = Path.Combine(_dir.Path, "one-class.csv");
        await File.WriteAllTextAsync(oneClass, "x,y\n1,yes\n2,yes\n3,yes\n");
        var train = await RunAsync("train", "--data", oneClass, "--label", "y", "--seed", "1", "--out", Path.Combine(_dir.Path, "x.pkg"), "--json");
        train.Exit.ShouldBe(1);
        JsonDocument.Parse(train.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain("has one class ('yes'): a classifier needs two");

        var corrupt = Path.Combine(_dir.Path, "corrupt.pkg");
        await File.WriteAllTextAsync(corrupt, "not a zip");
        var scores = Path.Combine(_dir.Path, "s.csv");
        var score = await RunAsync("score", "--model", corrupt, "--data", Adult("adult.test"), "--out", scores, "--json");
        score.Exit.ShouldBe(1);
        JsonDocument.Parse(score.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain("The file is not a model package");
        File.Exists(scores).ShouldBeFalse();
        File.Exists(scores + ".partial").ShouldBeFalse();

        if (!MlopsPortal.Engine.Scoring.CudaForest.Probe().Usable)
        {
            // No GPU here (CI): cuda is refused naming what is missing; nothing is written.
            var cuda = await RunAsync("score", "--model", corrupt, "--data", Adult("adult.test"), "--out", scores, "--device", "cuda", "--json");
            cuda.Exit.ShouldBe(1);
            JsonDocument.Parse(cuda.Err).RootElement.GetProperty("detail").GetString()!.ShouldMatch("--device cuda: .*(libcuda\\.so\\.1|libnvrtc\\.so|found no GPU)");
            File.Exists(scores).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task ShouldQueueFollowAndRegisterVersions_WhenRunAndModelCommandsRunBesideAPortal()
    {
        var compas = Path.Combine(RepositoryRoot.Path, "tests", "data", "compas", "compas-two-years.csv");
        (await RunAsync("user", "add", "owner@x.test", "--role", "MlEngineer")).Exit.ShouldBe(0);
        var added = await RunAsync("dataset", "add", compas, "--name", "compas", "--json");
        var datasetVersion = JsonDocument.Parse(added.Out).RootElement.GetProperty("id").GetString()!;
        (await RunAsync("model", "create", "recid-cli", "--owner", "owner@x.test", "--label", "two_year_recid", "--positive-label", "1",
            "--features", "age,priors_count,sex", "--keys", "id")).Exit.ShouldBe(0);
        var bad = await RunAsync("run", "start", "--model", "recid-cli", "--dataset", datasetVersion, "--param", "max_dept=3", "--json");
        bad.Exit.ShouldBe(1);
        JsonDocument.Parse(bad.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain("max_dept");

        // The portal on the same data directory is the node that trains.
        await using (await PortalTestHost.StartAsync(dataDirectory: _dir.Path))
        {
            var run = await RunAsync("run", "start", "--model", "recid-cli", "--dataset", datasetVersion, "--param", "num_boost_round=8",
                "--seed", "5", "--code-version", "git:cli", "--wait");
            run.Exit.ShouldBe(0, run.Err);
            run.Out.ShouldContain("round 1: train logloss");
            run.Out.ShouldContain("Version 1 of recid-cli: 8 rounds");
        }

        var versions = await RunAsync("model", "versions", "recid-cli", "--json");
        versions.Exit.ShouldBe(0, versions.Err);
        var version = JsonDocument.Parse(versions.Out).RootElement.EnumerateArray().Single();
        version.GetProperty("seed").GetInt32().ShouldBe(5);
        version.GetProperty("codeVersion").GetString().ShouldBe("git:cli");

        // Its model.json, registered as if trained elsewhere.
        var packageFile = Path.Combine(_dir.Path, "artifacts", "sha256", version.GetProperty("packageSha256").GetString()![..2], version.GetProperty("packageSha256").GetString()!);
        var modelJson = Path.Combine(_dir.Path, "model.json");
        await using (var package = File.OpenRead(packageFile))
            await File.WriteAllBytesAsync(modelJson, MlopsPortal.Engine.Training.ModelPackage.Read(package).Model);
        // Its one-hot inputs are not columns of the model's data: the registration names them and stores nothing.
        var encoded = await RunAsync("model", "register", "recid-cli", "--file", modelJson, "--features", "age,priors_count,sex=Male,sex=Female,sex=__other__",
            "--source", "notebook", "--json");
        encoded.Exit.ShouldBe(1);
        encoded.Err.ShouldContain("'sex=Male', 'sex=Female', 'sex=__other__', which are not");
        (await RunAsync("model", "create", "recid-onnx-cli", "--owner", "owner@x.test", "--label", "two_year_recid", "--positive-label", "1",
            "--features", "age,priors_count,juv_fel_count,juv_misd_count,juv_other_count", "--keys", "id")).Exit.ShouldBe(0);
        var register = await RunAsync("model", "register", "recid-onnx-cli", "--file",
            Path.Combine(RepositoryRoot.Path, "tests", "data", "onnx", "sklearn-gradient-boosting.onnx"), "--training-dataset", datasetVersion, "--source", "notebook", "--json");
        register.Exit.ShouldBe(0, register.Err);
        JsonDocument.Parse(register.Out).RootElement.GetProperty("externallyTrained").GetBoolean().ShouldBeTrue();
        JsonDocument.Parse(register.Out).RootElement.GetProperty("engine").GetString().ShouldBe("onnx");
        var wrong = await RunAsync("model", "register", "recid-cli", "--file", modelJson, "--features", "age");
        wrong.Exit.ShouldBe(1);
        wrong.Err.ShouldContain("reads 5 features; 1 are listed");

        // A signed model audit report of the trained version, archived, verified; a changed copy fails with 3.
        var pdf = Path.Combine(_dir.Path, "report.pdf");
        var report = await RunAsync("report", "model", version.GetProperty("id").GetString()!, "--out", pdf, "--json");
        report.Exit.ShouldBe(0, report.Err);
        var issued = JsonDocument.Parse(report.Out).RootElement;
        issued.GetProperty("title").GetString().ShouldBe("Model audit report: recid-cli v1");
        MlopsPortal.Engine.Hashing.Sha256Hex.Of(await File.ReadAllBytesAsync(pdf)).ShouldBe(issued.GetProperty("sha256").GetString());
        var verify = await RunAsync("report", "verify", pdf);
        verify.Exit.ShouldBe(0, verify.Err);
        verify.Out.ShouldContain("Issued by the portal and unchanged");
        var bytes = await File.ReadAllBytesAsync(pdf);
        bytes[bytes.Length / 2] ^= 0x20;
        var changed = Path.Combine(_dir.Path, "changed.pdf");
        await File.WriteAllBytesAsync(changed, bytes);
        var refused = await RunAsync("report", "verify", changed);
        refused.Exit.ShouldBe(3);
        refused.Out.ShouldContain("Changed after signing");
        (await RunAsync("report", "list")).Out.ShouldContain("Model audit report: recid-cli v1");
        var period = await RunAsync("report", "period", "--from", "2026-01-01", "--to", "2026-12-31", "--out", Path.Combine(_dir.Path, "period.pdf"));
        period.Exit.ShouldBe(0, period.Err);
        period.Out.ShouldContain("Period report 2026-01-01 to 2026-12-31");
        var backwards = await RunAsync("report", "period", "--from", "2026-02-01", "--to", "2026-01-01", "--out", Path.Combine(_dir.Path, "none.pdf"));
        backwards.Exit.ShouldBe(1);
        backwards.Err.ShouldContain("--to must not be before --from");
        File.Exists(Path.Combine(_dir.Path, "none.pdf")).ShouldBeFalse();
        (await RunAsync("report", "model", Guid.NewGuid().ToString(), "--out", Path.Combine(_dir.Path, "none.pdf"))).Exit.ShouldBe(1);
    }

    [Fact]
    public async Task ShouldSayWhichLibraryIsMissing_WhenXGBoostCannotBeLoaded()
    {
        // A separate process: the library is resolved once per process.
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[WorkerProcess.PortalDll, "train", "--data", Path.Combine(RepositoryRoot.Path, "tests", "data", "adult", "adult.test"),
                     "--label", "Y", "--seed", "1", "--out", Path.Combine(_dir.Path, "m.zip")])
            info.ArgumentList.Add(a);
        info.Environment["MLOPS_XGBOOST_LIBRARY"] = Path.Combine(_dir.Path, "libxgboost-missing.so");
        using var process = System.Diagnostics.Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.ShouldBe(1, error);
        error.ShouldContain("libxgboost-missing.so");
        error.ShouldContain("Unset MLOPS_XGBOOST_LIBRARY to use Debian's libxgboost0");
        File.Exists(Path.Combine(_dir.Path, "m.zip")).ShouldBeFalse();
    }

    [Fact]
    public async Task ShouldPrintTheContractJson_WhenFairnessRunsOnCompas()
    {
        var data = Path.Combine(RepositoryRoot.Path, "tests", "data", "expected", "compas-propublica.csv");
        var result = await RunAsync("fairness", "--data", data, "--label", "two_year_recid", "--prediction", "high_risk",
            "--sensitive", "race,sex", "--intersectional", "--bootstrap", "100", "--seed", "4", "--json");

        result.Exit.ShouldBe(0, result.Err);
        var json = JsonDocument.Parse(result.Out).RootElement;
        json.EnumerateObject().Select(p => p.Name).ShouldBe(["rows", "groups", "disparities", "disparitiesExcludingSmallGroups", "verdict"]);
        json.GetProperty("rows").GetInt32().ShouldBe(6172);
        var group = json.GetProperty("groups").EnumerateArray().First(g => g.GetProperty("group").GetString() == "African-American&Male");
        group.GetProperty("attribute").GetString().ShouldBe("race&sex");
        group.GetProperty("ci").GetProperty("fpr").GetArrayLength().ShouldBe(2);
        json.GetProperty("disparities").GetProperty("race").GetProperty("fourFifthsPass").GetBoolean().ShouldBeFalse();
        json.GetProperty("verdict").GetString().ShouldBe("fail");

        var bad = await RunAsync("fairness", "--data", data, "--label", "race", "--prediction", "high_risk", "--sensitive", "sex", "--json");
        bad.Exit.ShouldBe(1);
        JsonDocument.Parse(bad.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain("column 'race': 'Other' is not 0/1 or true/false");
    }

    [Fact]
    public async Task ShouldPrintTheContractJson_WhenDriftComparesAdultTrainWithTest()
    {
        var result = await RunAsync("drift", "--reference", Adult("adult.data"), "--current", Adult("adult.test"), "--json");

        result.Exit.ShouldBe(0, result.Err);
        var json = JsonDocument.Parse(result.Out).RootElement;
        var columns = json.GetProperty("columns").EnumerateArray().ToList();
        columns.Count.ShouldBe(15);
        var age = columns.Single(c => c.GetProperty("column").GetString() == "age");
        age.GetProperty("type").GetString().ShouldBe("numeric");
        age.GetProperty("test").GetString().ShouldBe("wassersteinNormed");
        age.GetProperty("drifted").GetBoolean().ShouldBeFalse();
        age.GetProperty("statistics").EnumerateObject().Select(p => p.Name).ShouldBe(["ks", "wassersteinNormed", "psi", "jensenShannon"]);
        age.GetProperty("statistics").GetProperty("ks").GetProperty("pValue").GetDouble().ShouldBe(0.4573203269241334, 1e-6);
        // The test file spells the label "<=50K." : two categories the reference never had.
        var label = columns.Single(c => c.GetProperty("column").GetString() == "Y");
        label.GetProperty("drifted").GetBoolean().ShouldBeTrue();
        label.GetProperty("quality").GetProperty("unseenCategories").EnumerateArray().Select(e => e.GetString()).ShouldBe(["<=50K.", ">50K."]);
        columns[0].GetProperty("drifted").GetBoolean().ShouldBeTrue("drifted columns come first");
        json.GetProperty("driftedShare").GetDouble().ShouldBe(1.0 / 15, 1e-12);
        json.GetProperty("datasetDrift").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task ShouldSayInsufficient_AndFailOnDriftOnlyWhenAsked()
    {
        var dir = Path.Combine(RepositoryRoot.Path, "tests", "data", "drift");
        var few = await RunAsync("drift", "--reference", Path.Combine(dir, "one-row-reference.csv"), "--current", Path.Combine(dir, "one-row-current.csv"), "--json");
        few.Exit.ShouldBe(0, few.Err);
        var json = JsonDocument.Parse(few.Out).RootElement;
        json.GetProperty("columns").EnumerateArray().ShouldAllBe(c => c.GetProperty("verdict").GetString() == "insufficient" && c.GetProperty("drifted").ValueKind == JsonValueKind.Null);
        json.GetProperty("datasetDrift").ValueKind.ShouldBe(JsonValueKind.Null);

        var shift = Path.Combine(dir, "shift-small-reference.csv");
        var drifted = await RunAsync("drift", "--reference", shift, "--current", Path.Combine(dir, "shift-small-current.csv"), "--fail-on-drift");
        drifted.Exit.ShouldBe(3, drifted.Out + drifted.Err);
        drifted.Out.ShouldContain("Dataset drift:");
        (await RunAsync("drift", "--reference", shift, "--current", shift, "--fail-on-drift")).Exit.ShouldBe(0);

        var missing = await RunAsync("drift", "--reference", shift, "--current", Path.Combine(dir, "nowhere.csv"), "--json");
        missing.Exit.ShouldBe(1);
        JsonDocument.Parse(missing.Err).RootElement.GetProperty("detail").GetString()!.ShouldContain("nowhere.csv does not exist");
        var unknown = await RunAsync("drift", "--reference", shift, "--current", shift, "--columns", "x_normal,nope");
        unknown.Exit.ShouldBe(1);
        unknown.Err.ShouldContain("The reference has no column 'nope'");
    }
}

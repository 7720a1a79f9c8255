using System.Text.RegularExpressions;
using MlopsPortal.Core.AuditReading;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.AuditReading;

/// <summary>
/// Every audit action reads as a sentence with names. The actions are read from the source — each <c>.Audit(</c> call's
/// action argument — so a new action without a sentence fails here, not in front of a compliance officer.
/// </summary>
public sealed partial class AuditSentencesTests
{
    /// <summary>
    /// The calls whose action is computed rather than written out: the expression, and the actions it can give. The test
    /// checks each listed suffix against the source file, so this table cannot drift from the code quietly either.
    /// </summary>
    private static readonly Dictionary<string, Func<string, IEnumerable<string>>> Computed = new(StringComparer.Ordinal)
    {
        // PortalJob records a finished run under its final status (JobRunStatus: every status a run can end in).
        ["$\"job.{status.ToString().ToLowerInvariant()}\""] = _ =>
            new[] { JobRunStatus.Succeeded, JobRunStatus.Failed, JobRunStatus.Cancelled, JobRunStatus.NotAvailable }.Select(s => $"job.{s.ToString().ToLowerInvariant()}"),
        // DriftService.TriageAsync(actor, id, "acknowledged", …): the action words are the third argument of each call.
        ["$\"drift-alert.{action}\""] = file => TriageActions().Matches(file).Select(m => $"drift-alert.{m.Groups[1].Value}"),
        // ScheduleService.ChangeAsync(actor, id, "schedule.paused", …) and ModelService.SaveChangesAsync(…, "model.updated", ct).
        ["action"] = file => QuotedActions().Matches(file).Select(m => m.Groups[1].Value).Where(a => a.StartsWith("schedule.", StringComparison.Ordinal) || a.StartsWith("model.", StringComparison.Ordinal)),
        // DemoWorkspace.BuiltAction.
        ["BuiltAction"] = file => BuiltAction().Matches(file).Select(m => m.Groups[1].Value),
    };

    [Fact]
    public void ShouldHaveASentenceForEveryAuditAction_WhenTheSourceWritesIt()
    {
        var found = ActionsInSource();
        found.Count.ShouldBeGreaterThan(60, "the scan found too few actions: has the Audit(...) call changed shape?");
        var missing = found.Where(a => !AuditSentences.Has(a.Action)).Select(a => $"{a.Action} ({a.File})").ToList();
        missing.ShouldBeEmpty($"audit actions without a sentence in AuditSentences: {string.Join(", ", missing)}");
    }

    [Fact]
    public void ShouldKeepNoSentenceForAnActionTheCodeNoLongerWrites_WhenAnActionIsRemoved()
    {
        var found = ActionsInSource().Select(a => a.Action).ToHashSet();
        AuditSentences.Actions.Where(a => !found.Contains(a)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("approval.signed", "{\"role\":\"BusinessStakeholder\",\"decision\":\"approve\",\"comment\":\"ok\"}",
        "Dana Stakeholder approved the promotion of credit-risk v3 to Production as Business stakeholder.")]
    [InlineData("approval.approved", "{\"signedBy\":[]}",
        "The promotion of credit-risk v3 to Production was approved: Dana Stakeholder's sign-off was the last one it needed.")]
    [InlineData("approval.rejected-by-signer", "{\"role\":\"ComplianceOfficer\",\"onBehalfOf\":\"sam@x.test\"}",
        "Dana Stakeholder rejected the promotion of credit-risk v3 to Production as Compliance officer, on behalf of Sam Officer.")]
    public void ShouldTellAnApprovalWithNamesAndItsSubject_WhenNamesAreResolved(string action, string payload, string expected)
    {
        var e = Event(action, "approval-request", "req-1", payload);
        AuditSentences.Of(e, Names).ShouldBe(expected);
    }

    [Fact]
    public void ShouldTellTheSubjectFromThePayload_WhenTheRequestIsNotResolved()
    {
        var e = Event("approval.requested", "approval-request", "req-2",
            "{\"kind\":\"promotion\",\"model\":\"credit-risk\",\"version\":3,\"target\":\"Production\"}");
        AuditSentences.Of(e, Names).ShouldBe("Dana Stakeholder requested the promotion of credit-risk v3 to Production.");
    }

    [Fact]
    public void ShouldNameTheAssigneeAndTheAlert_WhenAnAlertIsAssigned()
    {
        var e = Event("drift-alert.assigned", "drift-alert", "a-1", "{\"text\":\"sam@x.test\",\"status\":\"Open\"}");
        AuditSentences.Of(e, Names).ShouldBe("Dana Stakeholder assigned the drift alert on credit-risk v1 to Sam Officer.");
    }

    [Theory]
    [InlineData("evaluation", "Dana Stakeholder queued an evaluation job.")]
    [InlineData("training", "Dana Stakeholder queued a training run job.")]
    public void ShouldPutTheRightArticleBeforeTheJobKind_WhenAJobIsQueued(string kind, string expected)
    {
        var e = Event("job.requested", "job-run", "1", $"{{\"kind\":\"{kind}\"}}");
        AuditSentences.Of(e, Names).ShouldBe(expected);
    }

    [Fact]
    public void ShouldCountTheRemovedBlobsAndTheirSize_WhenTheSweepFoundLeftovers()
    {
        var e = Event("artifacts.swept", "artifact-store", "sha256", "{\"blobs\":[\"ab12\",\"cd34\"],\"files\":1,\"bytes\":157286400}");
        var sentence = AuditSentences.Of(e, Names);
        sentence.ShouldContain("removed 2 stored files (150");
        sentence.ShouldContain("MiB) that no record referred to");
    }

    [Fact]
    public void ShouldSayWhatMovedWhere_WhenAStageChanges()
    {
        var e = Event("model-version.stage-changed", "model-version", "v-3",
            "{\"model\":\"credit-risk\",\"version\":3,\"from\":\"None\",\"to\":\"Production\",\"reason\":\"promotion\",\"signedBy\":[\"sam@x.test (Compliance officer)\"]}");
        AuditSentences.Of(e, Names).ShouldBe("Dana Stakeholder moved credit-risk v3 into Production for promotion.");
    }

    [Fact]
    public void ShouldTellAJobAsTheJobAndLeaveIdsOutOfItsSummary_WhenAJobActs()
    {
        var names = new AuditNames { Actors = new Dictionary<string, string> { ["job:report-generation.run-1"] = "Job: report generation", ["user:dana@x.test"] = "Dana Stakeholder" } };
        var done = new AuditEvent
        {
            Action = "job.succeeded", Actor = "job:report-generation.run-1", EntityType = "job-run", EntityId = "1",
            Payload = "{\"kind\":\"report-generation\",\"summary\":\"Model audit report: credit-risk v1: 13 pages (report 07cdb47c-cba1-4140-9160-3e058662cc6c).\"}",
        };
        AuditSentences.Of(done, names).ShouldBe("The report generation job succeeded: Model audit report: credit-risk v1: 13 pages.");
        var issued = new AuditEvent
        {
            Action = "report.generated", Actor = "job:report-generation.run-1", EntityType = "report", EntityId = "r",
            Payload = "{\"title\":\"Model audit report: credit-risk v1\",\"pages\":13,\"requestedBy\":\"user:dana@x.test\"}",
        };
        AuditSentences.Of(issued, names).ShouldBe("The signed report “Model audit report: credit-risk v1” was issued (13 pages), requested by Dana Stakeholder.");
    }

    [Fact]
    public void ShouldNeverShowAnIdOrAnActorKey_WhenNoNameIsResolved()
    {
        var id = Guid.NewGuid().ToString();
        foreach (var action in AuditSentences.Actions)
        {
            var text = AuditSentences.Of(new AuditEvent { Action = action, Actor = "job:training.run-0123456789abcdef", EntityType = "model-version", EntityId = id, Payload = "{}" });
            text.ShouldNotContain(id, customMessage: action);
            text.ShouldNotContain("job:", customMessage: action);
            text.ShouldNotContain("{", customMessage: action);
            char.IsUpper(text[0]).ShouldBeTrue(action);
            text.ShouldEndWith(".", customMessage: action);
        }
    }

    private static readonly AuditNames Names = new()
    {
        Actors = new Dictionary<string, string> { ["user:dana@x.test"] = "Dana Stakeholder" },
        People = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["sam@x.test"] = "Sam Officer", ["dana@x.test"] = "Dana Stakeholder" },
        Entities = new Dictionary<string, string> { ["drift-alert:a-1"] = "credit-risk v1" },
        Requests = new Dictionary<string, string> { ["req-1"] = "the promotion of credit-risk v3 to Production" },
        // As AuditSentenceService fills it from the job kinds the features register.
        JobKinds = new Dictionary<string, string> { ["training"] = "Training run", ["evaluation"] = "Evaluation" },
    };

    private static AuditEvent Event(string action, string type, string id, string payload) =>
        new() { Action = action, Actor = "user:dana@x.test", EntityType = type, EntityId = id, Payload = payload };

    /// <summary>Each action the source writes, with the file that writes it.</summary>
    private static List<(string Action, string File)> ActionsInSource()
    {
        var root = Path.Combine(RepositoryRoot.Path, "src");
        var actions = new List<(string, string)>();
        foreach (var path in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories).Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
        {
            var file = File.ReadAllText(path);
            var name = Path.GetRelativePath(root, path);
            foreach (var argument in AuditCallActions(file))
            {
                var literals = Literal().Matches(argument).Select(m => m.Groups[1].Value).ToList();
                if (!argument.Contains('{') && literals.Count > 0 && Regex.IsMatch(argument, "^\\s*(\"[^\"]*\"|[^\"]*\\?\\s*\"[^\"]*\"\\s*:\\s*\"[^\"]*\")\\s*$"))
                {
                    actions.AddRange(literals.Select(l => (l, name)));
                    continue;
                }
                Computed.TryGetValue(argument.Trim(), out var expand).ShouldBeTrue($"{name}: the audit action `{argument.Trim()}` is computed; list what it can be in {nameof(Computed)}");
                var expanded = expand!(file).ToList();
                expanded.ShouldNotBeEmpty($"{name}: `{argument.Trim()}` gives no action");
                actions.AddRange(expanded.Select(a => (a, name)));
            }
        }
        return actions.Distinct().ToList();
    }

    /// <summary>The second argument of each <c>.Audit(actor, action, …)</c> call.</summary>
    private static IEnumerable<string> AuditCallActions(string file)
    {
        foreach (Match m in AuditCall().Matches(file))
        {
            var i = m.Index + m.Length;
            var depth = 0;
            var argument = 0;
            var start = -1;
            for (var inString = false; i < file.Length; i++)
            {
                var c = file[i];
                if (c == '"' && file[i - 1] != '\\') inString = !inString;
                if (inString) continue;
                if (c is '(' or '{' or '[') depth++;
                else if (c is ')' or '}' or ']')
                {
                    if (depth == 0) break;
                    depth--;
                }
                else if (c == ',' && depth == 0)
                {
                    argument++;
                    if (argument == 1) start = i + 1;
                    else if (argument == 2)
                    {
                        yield return file[start..i];
                        break;
                    }
                }
            }
        }
    }

    [GeneratedRegex(@"\.Audit\(")]
    private static partial Regex AuditCall();

    [GeneratedRegex("\"([a-z][a-z0-9-]*\\.[a-z][a-z0-9.-]*)\"")]
    private static partial Regex Literal();

    [GeneratedRegex("TriageAsync\\(actor, id, \"([a-z-]+)\"")]
    private static partial Regex TriageActions();

    [GeneratedRegex("\"((?:schedule|model)\\.[a-z-]+)\"")]
    private static partial Regex QuotedActions();

    [GeneratedRegex("BuiltAction = \"([a-z.-]+)\"")]
    private static partial Regex BuiltAction();
}

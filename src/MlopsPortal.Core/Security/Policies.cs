using Microsoft.AspNetCore.Authorization;

namespace MlopsPortal.Core.Security;

/// <summary>
/// Named authorization policies. Pages and endpoints name a policy; the policy names roles.
/// docs/roles.md states the same matrix and RoleMatrixTests hold the two together.
/// </summary>
public static class Policies
{
    /// <summary>Any signed-in user who holds at least one portal role.</summary>
    public const string SignedIn = nameof(SignedIn);
    public const string ManageUsers = nameof(ManageUsers);
    public const string ReadAuditTrail = nameof(ReadAuditTrail);
    public const string ManageOwnTokens = nameof(ManageOwnTokens);
    /// <summary>Pause, resume, edit and run schedules; cancel runs; run cluster checks.</summary>
    public const string OperateJobs = nameof(OperateJobs);
    /// <summary>Add datasets; create and edit model definitions.</summary>
    public const string EditRegistry = nameof(EditRegistry);
    /// <summary>Change a model's acceptance criteria (business stakeholders own them).</summary>
    public const string EditAcceptanceCriteria = nameof(EditAcceptanceCriteria);
    /// <summary>Start training, evaluation and scoring runs; register externally trained versions.</summary>
    public const string TrainModels = nameof(TrainModels);
    /// <summary>Start fairness audits.</summary>
    public const string RunFairnessAudits = nameof(RunFairnessAudits);
    /// <summary>Change the fairness thresholds of a risk tier.</summary>
    public const string EditFairnessPolicy = nameof(EditFairnessPolicy);
    /// <summary>Ask for a promotion or rollback; withdraw one's own request.</summary>
    public const string RequestPromotions = nameof(RequestPromotions);
    /// <summary>Sign (approve or reject) a request; the service checks the request's required roles and delegations.</summary>
    public const string SignOff = nameof(SignOff);
    /// <summary>Let a request past a failing gate, with a written reason.</summary>
    public const string OverrideGates = nameof(OverrideGates);
    /// <summary>Run a request's gates again (the service allows the requester and Administrators).</summary>
    public const string RecheckGates = nameof(RecheckGates);
    /// <summary>Change the sign-off rules of a risk tier.</summary>
    public const string EditApprovalPolicy = nameof(EditApprovalPolicy);
    /// <summary>Start drift reports.</summary>
    public const string RunDriftReports = nameof(RunDriftReports);
    /// <summary>Acknowledge, assign, comment, resolve, dismiss drift alerts and start retraining from them.</summary>
    public const string TriageAlerts = nameof(TriageAlerts);
    /// <summary>SMTP settings and webhooks.</summary>
    public const string ManageNotifications = nameof(ManageNotifications);
    /// <summary>Generate compliance reports (model audit and period).</summary>
    public const string GenerateReports = nameof(GenerateReports);
    /// <summary>List, download and verify compliance reports.</summary>
    public const string ReadReports = nameof(ReadReports);
    /// <summary>Propose a model's confidence band (business stakeholders own it).</summary>
    public const string ProposeConfidenceBand = nameof(ProposeConfidenceBand);
    /// <summary>Propose a model's rollback rules (the stakeholder proposes, compliance signs — or the other way round).</summary>
    public const string ProposeRollbackRules = nameof(ProposeRollbackRules);
    /// <summary>Upload outcomes, measure live performance, reproduce a training run.</summary>
    public const string RunMonitoring = nameof(RunMonitoring);
    /// <summary>Sign a model's adverse-action reason texts (what reason codes say to people).</summary>
    public const string SignReasonTexts = nameof(SignReasonTexts);

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [SignedIn] = [.. Roles.All],
        [ManageUsers] = [Roles.Administrator],
        [ReadAuditTrail] = [Roles.Auditor, Roles.ComplianceOfficer, Roles.Administrator],
        [ManageOwnTokens] = [.. Roles.All],
        [OperateJobs] = [Roles.MlEngineer, Roles.Administrator],
        [EditRegistry] = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator],
        [EditAcceptanceCriteria] = [Roles.BusinessStakeholder, Roles.MlEngineer, Roles.DataScientist, Roles.Administrator],
        [TrainModels] = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator],
        [RunFairnessAudits] = [Roles.MlEngineer, Roles.DataScientist, Roles.ComplianceOfficer, Roles.Administrator],
        [EditFairnessPolicy] = [Roles.ComplianceOfficer],
        [RequestPromotions] = [Roles.MlEngineer, Roles.DataScientist],
        // Everyone but the Auditor (who changes nothing); a delegate signs with the role of the person they stand in for.
        [SignOff] = [Roles.Administrator, Roles.ComplianceOfficer, Roles.BusinessStakeholder, Roles.MlEngineer, Roles.DataScientist],
        [OverrideGates] = [Roles.Administrator],
        [RecheckGates] = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator],
        [EditApprovalPolicy] = [Roles.ComplianceOfficer],
        [ManageNotifications] = [Roles.Administrator],
        [RunDriftReports] = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator],
        [TriageAlerts] = [Roles.MlEngineer, Roles.DataScientist],
        [GenerateReports] = [Roles.ComplianceOfficer],
        [ReadReports] = [Roles.ComplianceOfficer, Roles.Auditor, Roles.Administrator],
        [ProposeConfidenceBand] = [Roles.BusinessStakeholder],
        [ProposeRollbackRules] = [Roles.BusinessStakeholder, Roles.ComplianceOfficer],
        [RunMonitoring] = [Roles.MlEngineer, Roles.DataScientist, Roles.Administrator],
        [SignReasonTexts] = [Roles.ComplianceOfficer],
    };

    public static void AddPortalPolicies(this AuthorizationOptions options)
    {
        foreach (var (name, roles) in RolesByPolicy)
            options.AddPolicy(name, p => p.RequireAuthenticatedUser().RequireRole(roles));
    }
}

namespace MlopsPortal.Core.Security;

/// <summary>The six portal roles (product.md). docs/roles.md is the matrix of what each may do.</summary>
public static class Roles
{
    public const string Administrator = nameof(Administrator);
    public const string ComplianceOfficer = nameof(ComplianceOfficer);
    public const string BusinessStakeholder = nameof(BusinessStakeholder);
    public const string MlEngineer = nameof(MlEngineer);
    public const string DataScientist = nameof(DataScientist);
    public const string Auditor = nameof(Auditor);

    public static readonly IReadOnlyList<string> All =
        [Administrator, ComplianceOfficer, BusinessStakeholder, MlEngineer, DataScientist, Auditor];

    /// <summary>Granting these needs a second Administrator once two exist (contracts §6).</summary>
    public static readonly IReadOnlySet<string> Privileged = new HashSet<string> { Administrator, ComplianceOfficer };

    /// <summary>Holders of these roles must sign in with an authenticator app.</summary>
    public static readonly IReadOnlySet<string> TwoFactorRequired = new HashSet<string> { Administrator, ComplianceOfficer };

    public static bool IsKnown(string role) => All.Contains(role);

    public static string Display(string role) => role switch
    {
        ComplianceOfficer => "Compliance officer",
        BusinessStakeholder => "Business stakeholder",
        MlEngineer => "ML engineer",
        DataScientist => "Data scientist",
        _ => role,
    };
}

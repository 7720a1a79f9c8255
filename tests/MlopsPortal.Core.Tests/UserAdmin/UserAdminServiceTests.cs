using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Approvals;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Core.Users;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.UserAdmin;

/// <summary>Segregation of duties for role grants (contracts §6), enforced in the service.</summary>
public sealed class UserAdminServiceTests : IAsyncLifetime
{
    private PortalServices _portal = default!;
    private const string Pw = "Test-Passw0rd!x";

    public async Task InitializeAsync() => _portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private async Task<T> WithAdminAsync<T>(Func<UserAdminService, Task<T>> action)
    {
        await using var scope = _portal.Scope();
        return await action(_portal.Get<UserAdminService>(scope));
    }

    private Task<PortalUser> CreateAsync(string email, params string[] roles) =>
        WithAdminAsync(async s => (await s.CreateAsync(Actor.Cli(), email, email, Pw, roles)).User);

    private static Actor As(PortalUser user, params string[] roles) => new(user.Id, user.UserName!, roles.ToHashSet(), false);

    [Fact]
    public async Task ShouldForbid_WhenAnAdministratorGrantsThemselvesARole()
    {
        var admin = await CreateAsync("a1@x.test", Roles.Administrator);
        var error = await Should.ThrowAsync<PortalForbiddenException>(() =>
            WithAdminAsync(s => s.GrantRoleAsync(As(admin, Roles.Administrator), admin.Id, Roles.Auditor)));
        error.Message.ShouldContain("themselves");
    }

    [Fact]
    public async Task ShouldForbid_WhenTheActorIsNotAnAdministrator()
    {
        var engineer = await CreateAsync("e@x.test", Roles.MlEngineer);
        var other = await CreateAsync("o@x.test", Roles.DataScientist);
        await Should.ThrowAsync<PortalForbiddenException>(() =>
            WithAdminAsync(s => s.GrantRoleAsync(As(engineer, Roles.MlEngineer), other.Id, Roles.Auditor)));
        await Should.ThrowAsync<PortalForbiddenException>(() =>
            WithAdminAsync(s => s.ListAsync(As(engineer, Roles.MlEngineer))));
    }

    [Fact]
    public async Task ShouldGrantAtOnce_WhenOnlyOneAdministratorExists()
    {
        var admin = await CreateAsync("a1@x.test", Roles.Administrator);
        var user = await CreateAsync("u@x.test", Roles.Auditor);
        var result = await WithAdminAsync(s => s.GrantRoleAsync(As(admin, Roles.Administrator), user.Id, Roles.ComplianceOfficer));
        result.Outcome.ShouldBe(GrantOutcome.Granted);
    }

    [Fact]
    public async Task ShouldWaitForASecondAdministrator_WhenTwoExistAndTheRoleIsPrivileged()
    {
        var a1 = await CreateAsync("a1@x.test", Roles.Administrator);
        var a2 = await CreateAsync("a2@x.test", Roles.Administrator);
        var user = await CreateAsync("u@x.test", Roles.Auditor);

        var result = await WithAdminAsync(s => s.GrantRoleAsync(As(a1, Roles.Administrator), user.Id, Roles.ComplianceOfficer));
        result.Outcome.ShouldBe(GrantOutcome.PendingApproval);
        (await WithAdminAsync(s => s.ListAsync(As(a1, Roles.Administrator)))).Single(u => u.Id == user.Id).Roles.ShouldNotContain(Roles.ComplianceOfficer);

        // The requester cannot approve their own request, nor can the subject.
        await Should.ThrowAsync<PortalForbiddenException>(() =>
            WithAdminAsync(async s => { await s.DecideRoleGrantAsync(As(a1, Roles.Administrator), result.ApprovalRequestId!, true, null); return 0; }));

        await WithAdminAsync(async s => { await s.DecideRoleGrantAsync(As(a2, Roles.Administrator), result.ApprovalRequestId!, true, "ok"); return 0; });
        (await WithAdminAsync(s => s.ListAsync(As(a2, Roles.Administrator)))).Single(u => u.Id == user.Id).Roles.ShouldContain(Roles.ComplianceOfficer);

        await using var scope = _portal.Scope();
        var db = _portal.Get<PortalDbContext>(scope);
        var request = await db.ApprovalRequests.SingleAsync();
        request.Status.ShouldBe(ApprovalStatus.Approved);
        request.DecidedBy.ShouldBe("user:a2@x.test");
        (await db.AuditEvents.Select(e => e.Action).ToListAsync()).ShouldContain("role-grant.approved");
    }

    [Fact]
    public async Task ShouldGrantNonPrivilegedRolesAtOnce_WhenTwoAdministratorsExist()
    {
        var a1 = await CreateAsync("a1@x.test", Roles.Administrator);
        await CreateAsync("a2@x.test", Roles.Administrator);
        var user = await CreateAsync("u@x.test");
        var result = await WithAdminAsync(s => s.GrantRoleAsync(As(a1, Roles.Administrator), user.Id, Roles.MlEngineer));
        result.Outcome.ShouldBe(GrantOutcome.Granted);
    }

    [Fact]
    public async Task ShouldRefuse_WhenTheLastAdministratorWouldLoseTheRole()
    {
        var a1 = await CreateAsync("a1@x.test", Roles.Administrator);
        var error = await Should.ThrowAsync<PortalValidationException>(() =>
            WithAdminAsync(async s => { await s.RevokeRoleAsync(Actor.Cli(), a1.Id, Roles.Administrator); return 0; }));
        error.Message.ShouldContain("last Administrator");
    }

    [Fact]
    public async Task ShouldRejectWithAClearMessageAndStoreNothing_WhenThePasswordIsWeak()
    {
        var error = await Should.ThrowAsync<PortalValidationException>(() =>
            WithAdminAsync(s => s.CreateAsync(Actor.Cli(), "weak@x.test", "Weak", "short", [Roles.Auditor])));
        error.Message.ShouldContain("Passwords must be at least 12 characters");
        await using var scope = _portal.Scope();
        var db = _portal.Get<PortalDbContext>(scope);
        (await db.Users.CountAsync()).ShouldBe(0);
        (await db.AuditEvents.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task ShouldRejectUnknownRolesAndDuplicates_WhenCreatingUsers()
    {
        await Should.ThrowAsync<PortalValidationException>(() =>
            WithAdminAsync(s => s.CreateAsync(Actor.Cli(), "x@x.test", "X", Pw, ["Superuser"])));
        await CreateAsync("dup@x.test", Roles.Auditor);
        var error = await Should.ThrowAsync<PortalValidationException>(() => CreateAsync("dup@x.test", Roles.Auditor));
        error.Message.ShouldContain("already exists");
    }

    [Fact]
    public async Task ShouldAuditEveryChange_WhenAUserIsCreatedLockedAndUnlocked()
    {
        var admin = await CreateAsync("a1@x.test", Roles.Administrator);
        var user = await CreateAsync("u@x.test", Roles.MlEngineer);
        await WithAdminAsync(async s => { await s.LockAsync(As(admin, Roles.Administrator), user.Id, "test"); return 0; });
        (await WithAdminAsync(s => s.ListAsync(As(admin, Roles.Administrator)))).Single(u => u.Id == user.Id).LockedOut.ShouldBeTrue();
        await WithAdminAsync(async s => { await s.UnlockAsync(As(admin, Roles.Administrator), user.Id); return 0; });

        await using var scope = _portal.Scope();
        var actions = await _portal.Get<PortalDbContext>(scope).AuditEvents.Where(e => e.EntityId == user.Id)
            .OrderBy(e => e.Sequence).Select(e => e.Action).ToListAsync();
        actions.ShouldBe(["user.created", "role.granted", "user.locked", "user.unlocked"]);
    }
}

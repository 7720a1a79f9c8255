using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.Data;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;
using MlopsPortal.Core.Users;
using MlopsPortal.Engine.Hashing;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.ApiTokens;

public sealed class ApiTokenServiceTests : IAsyncLifetime
{
    private PortalServices _portal = default!;
    private PortalUser _owner = default!, _other = default!;

    public async Task InitializeAsync()
    {
        _portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite);
        await using var scope = _portal.Scope();
        var admin = _portal.Get<UserAdminService>(scope);
        _owner = (await admin.CreateAsync(Actor.Cli(), "owner@x.test", "Owner", "Test-Passw0rd!x", [Roles.MlEngineer])).User;
        _other = (await admin.CreateAsync(Actor.Cli(), "other@x.test", "Other", "Test-Passw0rd!x", [Roles.DataScientist])).User;
    }

    public async Task DisposeAsync() => await _portal.DisposeAsync();

    private Actor Owner => new(_owner.Id, _owner.UserName!, new HashSet<string> { Roles.MlEngineer }, false);

    private Actor Other => new(_other.Id, _other.UserName!, new HashSet<string> { Roles.DataScientist }, false);

    private async Task<T> TokensAsync<T>(Func<ApiTokenService, Task<T>> action)
    {
        await using var scope = _portal.Scope();
        return await action(_portal.Get<ApiTokenService>(scope));
    }

    [Fact]
    public async Task ShouldStoreOnlyTheHash_WhenATokenIsCreated()
    {
        var created = await TokensAsync(s => s.CreateAsync(Owner, _owner.Id, "ci", 30, false));
        created.Secret.ShouldStartWith("mlp_");
        created.Secret.ShouldStartWith(created.Token.Prefix + "_");
        await using var scope = _portal.Scope();
        var stored = await _portal.Get<PortalDbContext>(scope).ApiTokens.SingleAsync();
        stored.SecretHash.ShouldBe(Sha256Hex.Of(created.Secret));
        stored.SecretHash.ShouldNotContain(created.Secret[10..]);
    }

    [Fact]
    public async Task ShouldAuthenticateUntilRevoked_WhenTheSecretIsPresented()
    {
        var created = await TokensAsync(s => s.CreateAsync(Owner, _owner.Id, "ci", 30, true));
        var found = await TokensAsync(s => s.AuthenticateAsync(created.Secret));
        found.ShouldNotBeNull();
        found.Value.User.Id.ShouldBe(_owner.Id);
        found.Value.Token.ReadOnly.ShouldBeTrue();
        found.Value.Token.LastUsedAt.ShouldNotBeNull();

        await TokensAsync(async s => { await s.RevokeAsync(Owner, created.Token.Id); return 0; });
        (await TokensAsync(s => s.AuthenticateAsync(created.Secret))).ShouldBeNull();
    }

    [Fact]
    public async Task ShouldRejectTamperedAndForeignSecrets_WhenAuthenticating()
    {
        var created = await TokensAsync(s => s.CreateAsync(Owner, _owner.Id, "ci", 30, false));
        (await TokensAsync(s => s.AuthenticateAsync(created.Secret[..^1] + (created.Secret[^1] == 'a' ? 'b' : 'a')))).ShouldBeNull();
        (await TokensAsync(s => s.AuthenticateAsync("Bearer nonsense"))).ShouldBeNull();
    }

    [Fact]
    public async Task ShouldForbid_WhenSomeoneElseRevokesOrCreatesTheToken()
    {
        var created = await TokensAsync(s => s.CreateAsync(Owner, _owner.Id, "ci", 30, false));
        await Should.ThrowAsync<PortalForbiddenException>(() => TokensAsync(async s => { await s.RevokeAsync(Other, created.Token.Id); return 0; }));
        await Should.ThrowAsync<PortalForbiddenException>(() => TokensAsync(s => s.CreateAsync(Other, _owner.Id, "x", 30, false)));
    }

    [Theory]
    [InlineData("", 30)]
    [InlineData("ok", 0)]
    [InlineData("ok", 366)]
    public async Task ShouldRejectWithAClearError_WhenNameOrLifetimeIsInvalid(string name, int days)
    {
        await Should.ThrowAsync<PortalValidationException>(() => TokensAsync(s => s.CreateAsync(Owner, _owner.Id, name, days, false)));
        await using var scope = _portal.Scope();
        (await _portal.Get<PortalDbContext>(scope).ApiTokens.CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task ShouldNotAuthenticate_WhenTheTokenHasExpired()
    {
        var created = await TokensAsync(s => s.CreateAsync(Owner, _owner.Id, "ci", 1, false));
        await using (var scope = _portal.Scope())
            await _portal.Get<PortalDbContext>(scope).ApiTokens
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        (await TokensAsync(s => s.AuthenticateAsync(created.Secret))).ShouldBeNull();
    }
}

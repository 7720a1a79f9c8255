using System.CommandLine;
using MlopsPortal.Core.ApiTokens;
using MlopsPortal.Core.AuditTrail;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command TokenCommand(CliContext context)
    {
        var command = new Command("token", "Manage personal API tokens.");
        var user = new Option<string>("--user") { Description = "The owner's email.", Required = true };
        var name = new Option<string>("--name") { Description = "What the token is for.", Required = true };
        var days = new Option<int>("--days") { Description = "Lifetime in days (1-365).", DefaultValueFactory = _ => 90 };
        var readOnly = new Option<bool>("--read-only") { Description = "The token may only read (GET)." };
        var create = new Command("create", "Create a token and print its secret once.") { user, name, days, readOnly };
        create.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var owner = await scope.ServiceProvider.GetRequiredService<UserAdminService>().FindAsync(parse.GetValue(user)!);
            var created = await scope.ServiceProvider.GetRequiredService<ApiTokenService>()
                .CreateAsync(Actor.Cli(), owner.Id, parse.GetValue(name)!, parse.GetValue(days), parse.GetValue(readOnly), ct);
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(new { id = created.Token.Id, token = created.Secret, created.Token.Prefix, created.Token.ExpiresAt, created.Token.ReadOnly });
            else
                await context.Output.WriteLineAsync(created.Secret);
            return Ok;
        });
        command.Subcommands.Add(create);

        var id = new Argument<string>("token") { Description = "The token's id or its visible prefix (mlp_xxxxxxxx)." };
        var revoke = new Command("revoke", "Revoke a token.") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ApiTokenService>().RevokeAsync(Actor.Cli(), parse.GetValue(id)!, ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(new { revoked = parse.GetValue(id) });
            else await context.Output.WriteLineAsync($"Revoked {parse.GetValue(id)}.");
            return Ok;
        });
        command.Subcommands.Add(revoke);

        var listUser = new Option<string>("--user") { Description = "The owner's email.", Required = true };
        var list = new Command("list", "List a user's tokens (never their secrets).") { listUser };
        list.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var owner = await scope.ServiceProvider.GetRequiredService<UserAdminService>().FindAsync(parse.GetValue(listUser)!);
            var tokens = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().ListAsync(Actor.Cli(), owner.Id, ct);
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(tokens.Select(t => new { t.Id, t.Name, t.Prefix, t.ReadOnly, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt }));
            else
                foreach (var t in tokens)
                    await context.Output.WriteLineAsync($"{t.Prefix,-14} {t.Name,-24} {(t.RevokedAt is null ? "active" : "revoked"),-8} expires {t.ExpiresAt:yyyy-MM-dd}");
            return Ok;
        });
        command.Subcommands.Add(list);
        return command;
    }

    private static Command AuditCommand(CliContext context)
    {
        var command = new Command("audit", "Verify, anchor and export the hash-chained audit trail.");
        var anchor = new Option<string?>("--anchor") { Description = "SEQUENCE:HASH of an exported head; fails if the chain no longer contains it." };
        var verify = new Command("verify", "Walk the chain; exit 3 and name the first broken sequence if any event was edited, removed or reordered.") { anchor };
        verify.SetAction(async (parse, ct) =>
        {
            ChainHead? expected = null;
            if (parse.GetValue(anchor) is { } text)
            {
                var parts = text.Split(':');
                if (parts.Length != 2 || !long.TryParse(parts[0], out var seq) || !MlopsPortal.Engine.Hashing.Sha256Hex.IsValid(parts[1]))
                    throw new PortalValidationException("--anchor takes SEQUENCE:HASH (a number, a colon, 64 lowercase hex digits).");
                expected = new ChainHead(seq, parts[1]);
            }
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<AuditTrailService>().VerifyAsync(Actor.Cli(), expected, ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(result);
            else await context.Output.WriteLineAsync(result.Describe());
            return result.Intact ? Ok : CheckFailed;
        });
        command.Subcommands.Add(verify);

        var head = new Command("head", "Print the chain head (sequence and hash) to keep as an anchor.");
        head.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var h = await scope.ServiceProvider.GetRequiredService<AuditTrailService>().HeadAsync(Actor.Cli(), ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(h);
            else await context.Output.WriteLineAsync($"{h.Sequence}:{h.Hash}");
            return Ok;
        });
        command.Subcommands.Add(head);

        var format = new Option<string>("--format") { Description = "csv or json.", DefaultValueFactory = _ => "json" };
        format.AcceptOnlyFromAmong("csv", "json");
        var output = new Option<string?>("--output") { Description = "File to write (default: standard output)." };
        var export = new Command("export", "Export the whole trail.") { format, output };
        export.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var audit = scope.ServiceProvider.GetRequiredService<AuditTrailService>();
            await using var stream = parse.GetValue(output) is { } file ? File.Create(file) : Console.OpenStandardOutput();
            if (parse.GetValue(format) == "csv") await audit.WriteCsvAsync(Actor.Cli(), stream, ct);
            else await audit.WriteJsonAsync(Actor.Cli(), stream, ct);
            return Ok;
        });
        command.Subcommands.Add(export);
        return command;
    }
}

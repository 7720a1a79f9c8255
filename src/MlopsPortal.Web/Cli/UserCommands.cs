using System.CommandLine;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.UserAdmin;

namespace MlopsPortal.Web.Cli;

public static partial class PortalCommandLine
{
    private static Command UserCommand(CliContext context)
    {
        var command = new Command("user", "Manage portal users (audited as cli:<os-user>).");

        var email = new Argument<string>("email") { Description = "The user's email, which is also the user name." };
        var name = new Option<string?>("--name") { Description = "Display name." };
        var roles = new Option<string[]>("--role") { Description = "A role to grant (repeat, or comma-separate).", AllowMultipleArgumentsPerToken = true };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the initial password from standard input instead of generating one." };
        var add = new Command("add", "Create a user; prints the initial password once.") { email, name, roles, passwordStdin };
        add.SetAction(async (parse, ct) =>
        {
            var json = parse.GetValue(Json);
            var roleList = ParseRoles(parse.GetValue(roles));
            string? password = null;
            if (parse.GetValue(passwordStdin))
                password = (await Console.In.ReadLineAsync(ct))?.Trim();
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
            var (user, pw, grants) = await admin.CreateAsync(Actor.Cli(), parse.GetValue(email)!, parse.GetValue(name) ?? "", password, roleList, ct);
            var pendingRoles = roleList.Zip(grants).Where(x => x.Second.Outcome == GrantOutcome.PendingApproval).Select(x => x.First).ToList();
            if (json)
                await context.WriteJsonAsync(new { id = user.Id, userName = user.UserName, password = password is null ? pw : null, roles = roleList, pendingApproval = pendingRoles });
            else
            {
                await context.Output.WriteLineAsync($"Created {user.UserName} with roles: {string.Join(", ", roleList.Except(pendingRoles))}.");
                if (password is null) await context.Output.WriteLineAsync($"Initial password (shown once): {pw}");
                if (pendingRoles.Count > 0) await context.Output.WriteLineAsync($"Waiting for an Administrator's approval: {string.Join(", ", pendingRoles)}.");
            }
            return Ok;
        });
        command.Subcommands.Add(add);

        var list = new Command("list", "List users with their roles and state.");
        list.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var users = await scope.ServiceProvider.GetRequiredService<UserAdminService>().ListAsync(Actor.Cli(), ct);
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(users);
            else
                foreach (var u in users)
                    await context.Output.WriteLineAsync($"{u.UserName,-32} {(u.LockedOut ? "locked" : "active"),-7} 2fa:{(u.TwoFactorEnabled ? "on " : "off")} {string.Join(",", u.Roles)}");
            return Ok;
        });
        command.Subcommands.Add(list);

        command.Subcommands.Add(UserAction(context, "lock", "Lock a user out until unlocked.", (admin, id, ct) => admin.LockAsync(Actor.Cli(), id, "locked from the command line", ct), "Locked"));
        command.Subcommands.Add(UserAction(context, "unlock", "Unlock a user.", (admin, id, ct) => admin.UnlockAsync(Actor.Cli(), id, ct), "Unlocked"));

        var grantEmail = new Argument<string>("email");
        var grantRole = new Option<string[]>("--role") { Description = "The role to grant.", Required = true, AllowMultipleArgumentsPerToken = true };
        var grant = new Command("grant", "Grant a role (privileged roles wait for an Administrator's approval once two exist).") { grantEmail, grantRole };
        grant.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
            var user = await admin.FindAsync(parse.GetValue(grantEmail)!);
            var results = new Dictionary<string, string>();
            foreach (var role in ParseRoles(parse.GetValue(grantRole)))
                results[role] = (await admin.GrantRoleAsync(Actor.Cli(), user.Id, role, ct)).Outcome.ToString();
            if (parse.GetValue(Json)) await context.WriteJsonAsync(new { userName = user.UserName, results });
            else foreach (var (role, outcome) in results) await context.Output.WriteLineAsync($"{role}: {outcome}");
            return Ok;
        });
        command.Subcommands.Add(grant);

        var resetEmail = new Argument<string>("email");
        var reset = new Command("reset-password", "Set a new generated password and print it once; the user's sessions end.") { resetEmail };
        reset.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
            var user = await admin.FindAsync(parse.GetValue(resetEmail)!);
            var password = await admin.ResetPasswordAsync(Actor.Cli(), user.Id, ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(new { userName = user.UserName, password });
            else await context.Output.WriteLineAsync($"New password for {user.UserName} (shown once): {password}");
            return Ok;
        });
        command.Subcommands.Add(reset);
        return command;
    }

    private static Command UserAction(CliContext context, string verb, string description,
        Func<UserAdminService, string, CancellationToken, Task> action, string pastTense)
    {
        var email = new Argument<string>("email");
        var command = new Command(verb, description) { email };
        command.SetAction(async (parse, ct) =>
        {
            using var host = await CliHost.StartAsync(context, parse.GetValue(DataDir)!);
            await using var scope = host.Services.CreateAsyncScope();
            var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
            var user = await admin.FindAsync(parse.GetValue(email)!);
            await action(admin, user.Id, ct);
            if (parse.GetValue(Json)) await context.WriteJsonAsync(new { userName = user.UserName, action = verb });
            else await context.Output.WriteLineAsync($"{pastTense} {user.UserName}.");
            return Ok;
        });
        return command;
    }
}

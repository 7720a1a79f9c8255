using System.Data.Common;
using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.Security;
using MudBlazor;

namespace MlopsPortal.Web.Components.Shared;

/// <summary>
/// The base of every page and of every component that acts: the signed-in <see cref="Actor"/>, role checks, and one way
/// to run an action that ends in exactly one feedback — a snackbar when it worked, or the error inline
/// (<see cref="ActionError"/>, shown by <c>&lt;FormError&gt;</c> beside the form) when it did not.
/// docs/architecture.md ("Pages") shows a page to copy.
/// </summary>
public abstract class PortalComponent : ComponentBase
{
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IAuthorizationService Authorization { get; set; } = default!;
    [Inject] private ILoggerFactory LoggerFactory { get; set; } = default!;

    protected ClaimsPrincipal User { get; private set; } = new();

    /// <summary>The signed-in user as the services' actor; null only on anonymous pages.</summary>
    protected Actor Actor { get; private set; } = default!;

    /// <summary>The last action's error, in words; cleared when the next action starts.</summary>
    protected string? ActionError { get; set; }

    /// <summary>True while an action runs: bind buttons' Disabled to it so a second click waits.</summary>
    protected bool Busy { get; private set; }

    protected override async Task OnInitializedAsync()
    {
        if (AuthenticationState is null) return;
        User = (await AuthenticationState).User;
        if (User.Identity?.IsAuthenticated == true) Actor = Actor.FromPrincipal(User);
    }

    /// <summary>Whether the signed-in user passes a policy of <see cref="Policies"/>.</summary>
    protected async Task<bool> MayAsync(string policy) => (await Authorization.AuthorizeAsync(User, policy)).Succeeded;

    /// <summary>Runs an action; on success shows <paramref name="success"/> as a snackbar (unless null), on failure sets <see cref="ActionError"/>.</summary>
    protected async Task<bool> RunAsync(Func<Task> action, string? success)
    {
        return await RunAsync(async () =>
        {
            await action();
            return success;
        });
    }

    /// <summary>Runs an action whose success message depends on its result.</summary>
    protected async Task<bool> RunAsync(Func<Task<string?>> action)
    {
        ActionError = null;
        Busy = true;
        try
        {
            var message = await action();
            if (message is not null) Snackbar.Add(message, Severity.Success);
            return true;
        }
        catch (Exception e) when (e is PortalValidationException or PortalForbiddenException or PortalNotFoundException)
        {
            ActionError = e.Message;
        }
        catch (Exception e) when (e is DbUpdateException or DbException or Quartz.SchedulerException)
        {
            // Two people saving at once, or the database or scheduler unavailable: say so and keep the circuit.
            LoggerFactory.CreateLogger(GetType()).LogError(e, "An action on {Component} failed.", GetType().Name);
            ActionError = "The change could not be saved (someone may have changed the same thing at this moment, or the database is unavailable). Reload and try again.";
        }
        finally
        {
            Busy = false;
        }
        return false;
    }
}

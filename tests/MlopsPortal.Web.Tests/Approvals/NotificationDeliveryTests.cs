using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Notifications;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Approvals;

/// <summary>E-mail through a local SMTP receiver, and webhooks signed with HMAC-SHA256 to a receiver on 127.0.0.1 that fails once.</summary>
public sealed class NotificationDeliveryTests : IAsyncLifetime
{
    private ApprovalScenario _s = default!;

    public async Task InitializeAsync() => _s = await ApprovalScenario.StartAsync(overrides: new Dictionary<string, string?>
    {
        ["Notifications:DispatchIntervalSeconds"] = "0.3",
        ["Notifications:WebhookBackoffSeconds"] = "0.5",
    });

    public async Task DisposeAsync() => await _s.DisposeAsync();

    private NotificationCenter Center => _s.Host.Services.GetRequiredService<NotificationCenter>();

    private static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (await probe() is { } found) return found;
            await Task.Delay(100);
        }
        throw new TimeoutException("Gave up waiting for " + what);
    }

    [Fact]
    public async Task ShouldEmailEverySignerThatARequestIsDue_WhenSmtpIsConfigured()
    {
        await using var smtp = new SmtpReceiver();
        await Center.SetSmtpAsync(_s["admin"], new SmtpInput(true, "127.0.0.1", smtp.Port, "none", null, null, "portal@x.test", "Portal", "https://portal.x.test"));
        var model = await _s.CreateModelAsync("mail", RiskTier.Medium);
        var request = await _s.RequestAsync((await _s.AddVersionAsync(model, 0.8)).Id);

        var mail = await EventuallyAsync(() => Task.FromResult(smtp.Messages.FirstOrDefault(m => m.To.Contains("biz@x.test"))), "the stakeholder's e-mail");
        mail.From.ShouldBe("portal@x.test");
        mail.Data.ShouldContain("Subject: Your sign-off is due: Promote mail version 1 to Production");
        mail.Data.ShouldContain($"https://portal.x.test/approvals/{request.Id}");
        smtp.Messages.ShouldNotContain(m => m.To.Contains("eng@x.test"), "the requester does not sign");
        await EventuallyAsync(async () => await _s.QueryAsync(db => db.Notifications.AnyAsync(n => n.EmailTo == "biz@x.test" && n.EmailStatus == EmailStatus.Sent)) ? "" : null, "the sent mark");

        await Should.ThrowAsync<MlopsPortal.Core.Security.PortalValidationException>(() =>
            Center.SetSmtpAsync(_s["admin"], new SmtpInput(true, "", 25, "none", null, null, "portal@x.test", null, null)));
        await Should.ThrowAsync<MlopsPortal.Core.Security.PortalForbiddenException>(() =>
            Center.SetSmtpAsync(_s["co1"], new SmtpInput(false, "", 25, "none", null, null, "", null, null)));
    }

    [Fact]
    public async Task ShouldSignWebhookEventsAndRetry_WhenTheReceiverFailsOnce()
    {
        var received = new ConcurrentQueue<(string Event, string Signature, string Body)>();
        var calls = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        await using var receiver = builder.Build();
        receiver.MapPost("/hook", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            if (Interlocked.Increment(ref calls) == 1)
                return Results.StatusCode(503);
            received.Enqueue((context.Request.Headers[NotificationDispatcher.EventHeader].ToString(),
                context.Request.Headers[NotificationDispatcher.SignatureHeader].ToString(), body));
            return Results.Ok();
        });
        await receiver.StartAsync();
        var url = receiver.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hook";

        const string secret = "whsec_test_0123456789abcdef";
        var (hook, _) = await Center.CreateWebhookAsync(_s["admin"], new WebhookInput("ci", url, [WebhookEvents.RequestCreated]), secret);
        var model = await _s.CreateModelAsync("hook", RiskTier.Low);
        var request = await _s.RequestAsync((await _s.AddVersionAsync(model, 0.8)).Id);

        await EventuallyAsync(() => Task.FromResult(received.IsEmpty ? null : "got"), "the webhook delivery");
        received.TryPeek(out var got).ShouldBeTrue();
        var (eventType, signature, body) = got;
        eventType.ShouldBe(WebhookEvents.RequestCreated);
        // The receiver's check, computed independently of the portal's code.
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(body)));
        signature.ShouldBe(expected);
        using var json = JsonDocument.Parse(body);
        json.RootElement.GetProperty("type").GetString().ShouldBe(WebhookEvents.RequestCreated);
        json.RootElement.GetProperty("data").GetProperty("request").GetProperty("id").GetString().ShouldBe(request.Id);

        var log = await EventuallyAsync(async () =>
        {
            var rows = await Center.DeliveriesAsync(_s["admin"], hook.Id);
            return rows.Count == 1 && rows[0].Delivery.Status != DeliveryStatus.Pending ? rows : null;
        }, "the delivery log");
        var (delivery, attempts) = log.Single();
        delivery.Status.ShouldBe(DeliveryStatus.Delivered);
        attempts.Select(a => a.StatusCode).ShouldBe([503, 200]);
        attempts[0].Error.ShouldNotBeNull().ShouldContain("503");
        (await Should.ThrowAsync<MlopsPortal.Core.Security.PortalValidationException>(() => Center.RedeliverAsync(_s["admin"], delivery.Id)))
            .Message.ShouldContain("Only a failed delivery");
    }
}

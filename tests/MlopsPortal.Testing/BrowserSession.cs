using System.Net;
using System.Text.RegularExpressions;

namespace MlopsPortal.Testing;

/// <summary>
/// The static Identity pages driven over plain HTTP: cookies kept per session, the antiforgery token read from the
/// page's hidden input and posted back with the form, redirects returned rather than followed.
/// </summary>
public sealed partial class BrowserSession : IDisposable
{
    private readonly CookieHandler _cookies;

    public BrowserSession(HttpMessageHandler inner, Uri baseAddress)
    {
        _cookies = new CookieHandler(inner);
        Client = new HttpClient(_cookies) { BaseAddress = baseAddress };
    }

    public HttpClient Client { get; }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    [GeneratedRegex("name=\"_handler\" value=\"([^\"]+)\"")]
    private static partial Regex HandlerInput();

    /// <summary>GETs a page and returns its HTML with the antiforgery token and form name it carries.</summary>
    public async Task<(string Html, string? Token, string? Handler)> GetFormAsync(string url)
    {
        var response = await Client.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {html}");
        return (html, Match(TokenInput(), html), Match(HandlerInput(), html));
    }

    /// <summary>Posts a form the way the page would (its token and form name first, then the fields).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string url, IReadOnlyDictionary<string, string> fields, string? token, string? handler = null)
    {
        var form = new List<KeyValuePair<string, string>>();
        if (token is not null) form.Add(new("__RequestVerificationToken", token));
        if (handler is not null) form.Add(new("_handler", handler));
        form.AddRange(fields);
        return await Client.PostAsync(url, new FormUrlEncodedContent(form));
    }

    /// <summary>Signs in with the password form; returns the response (a redirect on success).</summary>
    public async Task<HttpResponseMessage> SignInAsync(string email, string password, string url = "Account/Login")
    {
        var (_, token, handler) = await GetFormAsync(url);
        return await PostFormAsync(url, new Dictionary<string, string> { ["Input.Email"] = email, ["Input.Password"] = password }, token, handler);
    }

    public bool HasCookie(string name) => _cookies.Container.GetAllCookies().Any(c => c.Name == name && !c.Expired);

    private static string? Match(Regex regex, string html) =>
        regex.Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    public void Dispose() => Client.Dispose();

    /// <summary>Keeps the cookies the portal sets and sends them back, as a browser does.</summary>
    public sealed class CookieHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        public CookieContainer Container { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var header = Container.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
                request.Headers.Add("Cookie", header);
            var response = await base.SendAsync(request, ct);
            if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
                foreach (var cookie in cookies)
                    Container.SetCookies(request.RequestUri!, cookie);
            return response;
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Web.Tests.Api;

/// <summary>
/// Uploads over real Kestrel, whose default body limit (30 MB) the upload endpoints raise per request to
/// Datasets:MaxUploadBytes, and whose client can vanish half-way.
/// </summary>
public sealed class LargeUploadTests : IAsyncLifetime
{
    private PortalTestHost _host = default!;
    private string _token = "";

    public async Task InitializeAsync()
    {
        _host = await PortalTestHost.StartAsync(kestrel: true);
        await _host.CreateUserAsync("engineer@x.test", Roles.MlEngineer);
        _token = await _host.CreateTokenAsync("engineer@x.test");
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>A CSV body of about <paramref name="megabytes"/> MB, produced as it is sent (never held in memory).</summary>
    private sealed class GeneratedCsv(int megabytes, int? failAfterBytes = null) : Stream
    {
        private readonly byte[] _header = "id,value,label\n"u8.ToArray();
        private long _row;
        private long _sent;
        private ReadOnlyMemory<byte> _pending;
        private readonly long _target = megabytes * 1_000_000L;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (failAfterBytes is { } fail && _sent >= fail)
                throw new IOException("the client crashed");
            if (_pending.IsEmpty)
            {
                if (_sent >= _target) return 0;
                _pending = _row++ == 0 ? _header : Encoding.ASCII.GetBytes($"{_row},{_row * 0.5},{(_row % 3 == 0 ? "yes" : "no")}\n");
            }
            var n = Math.Min(count, _pending.Length);
            _pending.Span[..n].CopyTo(buffer.AsSpan(offset, n));
            _pending = _pending[n..];
            _sent += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _sent; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private HttpClient Client() => _host.CreateClient(_token);

    private static MultipartFormDataContent Form(Stream csv) =>
        new() { { new StringContent("large"), "name" }, { new StreamContent(csv), "file", "large.csv" } };

    private string[] Blobs() => Directory.Exists(Path.Combine(_host.DataDirectory, "artifacts"))
        ? Directory.GetFiles(Path.Combine(_host.DataDirectory, "artifacts"), "*", SearchOption.AllDirectories)
        : [];

    [Fact]
    public async Task ShouldAcceptAnUploadAboveKestrelsDefaultLimit_WhenItIsUnderTheConfiguredOne()
    {
        var response = await Client().PostAsync("api/v1/datasets", Form(new GeneratedCsv(40)));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.GetProperty("sizeBytes").GetInt64().ShouldBeGreaterThan(40_000_000);
        body.GetProperty("columns").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task ShouldLeaveNothingBehind_WhenTheClientCrashesHalfWay()
    {
        var before = await _host.DatasetCountsAsync();
        await Should.ThrowAsync<Exception>(() => Client().PostAsync("api/v1/datasets", Form(new GeneratedCsv(40, failAfterBytes: 10_000_000))));
        // The server notices the dropped connection and cleans up; give it the moment that takes.
        for (var i = 0; i < 50 && Blobs().Length > 0; i++)
            await Task.Delay(100);
        Blobs().ShouldBeEmpty();
        (await _host.DatasetCountsAsync()).ShouldBe(before);
    }
}

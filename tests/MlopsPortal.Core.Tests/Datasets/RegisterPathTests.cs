using MlopsPortal.Core.Data;
using MlopsPortal.Core.Datasets;
using MlopsPortal.Core.Security;
using MlopsPortal.Testing;

namespace MlopsPortal.Core.Tests.Datasets;

/// <summary>Registering server files: only inside the allowed folders, judged by where the path really leads.</summary>
public sealed class RegisterPathTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private PortalServices _portal = default!;
    private static readonly Actor Engineer = new("u1", "engineer@x.test", new HashSet<string> { Roles.MlEngineer }, false);

    private string Allowed => Path.Combine(_files.Path, "allowed");
    private string Outside => Path.Combine(_files.Path, "outside");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Allowed);
        Directory.CreateDirectory(Outside);
        File.WriteAllText(Path.Combine(Allowed, "good.csv"), "a,b\n1,2\n");
        File.WriteAllText(Path.Combine(Outside, "secret.csv"), "user,password\nroot,hunter2\n");
        // An allowed folder whose prefix matches a sibling: "allowed-not" must not count as inside "allowed".
        Directory.CreateDirectory(Allowed + "-not");
        File.WriteAllText(Path.Combine(Allowed + "-not", "sibling.csv"), "a\n1\n");
        _portal = await PortalServices.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["Datasets:AllowedFolders:0"] = Allowed });
    }

    public async Task DisposeAsync()
    {
        await _portal.DisposeAsync();
        _files.Dispose();
    }

    private DatasetService Service => _portal.Get<DatasetService>(_portal.Scope());

    [Fact]
    public async Task ShouldAddTheFile_WhenItIsInsideAnAllowedFolder()
    {
        var (version, created) = await Service.RegisterPathAsync(Engineer, Path.Combine(Allowed, "good.csv"), "good");
        created.ShouldBeTrue();
        version.RowCount.ShouldBe(1);
        version.SourceFileName.ShouldBe("good.csv");
    }

    [Theory]
    [InlineData("outside/secret.csv")]
    [InlineData("allowed/../outside/secret.csv")]
    [InlineData("allowed-not/sibling.csv")]
    public async Task ShouldRefuse_WhenThePathLeadsOutsideTheAllowedFolders(string relative)
    {
        var e = await Should.ThrowAsync<PortalValidationException>(() => Service.RegisterPathAsync(Engineer, Path.Combine(_files.Path, relative), "escape"));
        e.Message.ShouldContain("is not inside an allowed folder");
        (await Service.PageAsync(null, 0, 10)).Total.ShouldBe(0);
    }

    [Fact]
    public async Task ShouldRefuse_WhenASymbolicLinkInsideTheFolderPointsOutside()
    {
        File.CreateSymbolicLink(Path.Combine(Allowed, "link.csv"), Path.Combine(Outside, "secret.csv"));
        Directory.CreateSymbolicLink(Path.Combine(Allowed, "linked-dir"), Outside);
        foreach (var path in new[] { Path.Combine(Allowed, "link.csv"), Path.Combine(Allowed, "linked-dir", "secret.csv") })
            (await Should.ThrowAsync<PortalValidationException>(() => Service.RegisterPathAsync(Engineer, path, "escape")))
                .Message.ShouldContain("is not inside an allowed folder");
        (await Service.PageAsync(null, 0, 10)).Total.ShouldBe(0);
    }

    [Theory]
    [InlineData("relative/path.csv", "is not an absolute path")]
    [InlineData("", "is not an absolute path")]
    public async Task ShouldRefuse_WhenThePathIsNotAbsolute(string path, string expected) =>
        (await Should.ThrowAsync<PortalValidationException>(() => Service.RegisterPathAsync(Engineer, path, "x"))).Message.ShouldContain(expected);

    [Fact]
    public async Task ShouldSaySo_WhenTheFileDoesNotExist() =>
        (await Should.ThrowAsync<PortalValidationException>(() => Service.RegisterPathAsync(Engineer, Path.Combine(Allowed, "missing.csv"), "x")))
            .Message.ShouldContain("does not exist");

    [Fact]
    public async Task ShouldAnswerOneSentence_WhateverThePathOutsideTheFoldersIs()
    {
        // Readable, unreadable, missing, a folder: outside the allowed folders they must all read the same, or the
        // answers map the server's files.
        var paths = new[] { "/etc/shadow", "/etc/passwd", "/etc/does-not-exist", "/root", "/root/.bashrc", "/proc/self/environ", Path.Combine(Outside, "secret.csv") };
        var messages = new List<string>();
        foreach (var path in paths)
        {
            var e = await Should.ThrowAsync<PortalValidationException>(() => Service.RegisterPathAsync(Engineer, path, "probe"));
            messages.Add(e.Message.Replace(path, "PATH"));
        }
        messages.Distinct().Count().ShouldBe(1, string.Join("\n", messages));
        messages[0].ShouldContain("is not inside an allowed folder");
    }

    [Fact]
    public async Task ShouldRefuseAtOnce_WhenThePathIsANamedPipeOrAFolder()
    {
        var pipe = Path.Combine(Allowed, "pipe.csv");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", pipe))
            await mkfifo.WaitForExitAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var task = Service.RegisterPathAsync(Engineer, pipe, "pipe");
        (await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(10)))).ShouldBe(task, "registering a named pipe hangs");
        (await Should.ThrowAsync<PortalValidationException>(() => task)).Message.ShouldContain("is not a regular file");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));

        Directory.CreateDirectory(Path.Combine(Allowed, "folder.csv"));
        (await Should.ThrowAsync<PortalValidationException>(() => Service.RegisterPathAsync(Engineer, Path.Combine(Allowed, "folder.csv"), "folder")))
            .Message.ShouldContain("is not a regular file");
    }

    [Fact]
    public async Task ShouldRefuseWithASentence_WhenThePathHoldsANulCharacter() =>
        (await Should.ThrowAsync<PortalValidationException>(() => Service.RegisterPathAsync(Engineer, Path.Combine(Allowed, "good.csv\0.txt"), "nul")))
            .Message.ShouldContain("control character");

    [Fact]
    public async Task ShouldForbid_WhenTheActorIsABusinessStakeholder() =>
        await Should.ThrowAsync<PortalForbiddenException>(() => Service.RegisterPathAsync(
            new Actor("u2", "b@x.test", new HashSet<string> { Roles.BusinessStakeholder }, false), Path.Combine(Allowed, "good.csv"), "good"));
}

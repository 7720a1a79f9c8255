using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;

namespace MlopsPortal.Core.Tests.Scheduling;

public sealed class SchedulerNodeTests
{
    private sealed class CountingSelfTest(bool passes) : IGpuSelfTest
    {
        public int Runs { get; private set; }

        public GpuSelfTestResult Run()
        {
            Runs++;
            return new GpuSelfTestResult(passes, passes ? "ok" : "no device", passes ? "Test GPU" : null);
        }
    }

    [Fact]
    public void ShouldRefuseToDeclareGpu_WhenTheSelfTestFails()
    {
        var selfTest = new CountingSelfTest(false);
        Should.Throw<GpuSelfTestFailedException>(() => SchedulerNode.Create("worker", ["cpu", "gpu"], selfTest)).Message.ShouldContain("no device");
        selfTest.Runs.ShouldBe(1);
    }

    [Fact]
    public void ShouldDeclareGpuWithTheDeviceName_WhenTheSelfTestPasses()
    {
        var node = SchedulerNode.Create("worker", ["cpu", "gpu"], new CountingSelfTest(true));
        node.HasGpu.ShouldBeTrue();
        node.GpuName.ShouldBe("Test GPU");
    }

    [Fact]
    public void ShouldNotRunTheSelfTest_WhenOnlyCpuIsDeclared()
    {
        var selfTest = new CountingSelfTest(false);
        SchedulerNode.Create("worker", ["cpu"], selfTest).HasGpu.ShouldBeFalse();
        selfTest.Runs.ShouldBe(0);
    }

    [Theory]
    [InlineData("tpu")]
    [InlineData("gpu")]
    public void ShouldRejectTheCapabilities_WhenTheyAreUnknownOrLackCpu(string capability) =>
        Should.Throw<PortalValidationException>(() => SchedulerNode.Create("worker", [capability], new CountingSelfTest(true)));

    [Fact]
    public void ShouldGiveEachProcessNodeItsOwnId_WhenCreatedTwice() =>
        SchedulerNode.Create("worker", ["cpu"], new CountingSelfTest(false)).Id
            .ShouldNotBe(SchedulerNode.Create("worker", ["cpu"], new CountingSelfTest(false)).Id);

    [Fact]
    public void ShouldFailWithAReason_WhenNoCudaDriverIsPresentOrPassWithADevice()
    {
        var result = new CudaDriverSelfTest().Run();
        result.Message.ShouldNotBeNullOrWhiteSpace();
        if (result.Passed) result.DeviceName.ShouldNotBeNullOrWhiteSpace();
        else result.DeviceName.ShouldBeNull();
    }
}

public sealed class AtomicFileTests
{
    [Fact]
    public async Task ShouldLeaveNothing_WhenTheWriterFailsHalfWay()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var path = Path.Combine(dir.FullName, "out.txt");
            await Should.ThrowAsync<IOException>(() => AtomicFile.WriteAsync(path, async (s, ct) =>
            {
                await s.WriteAsync(new byte[1000], ct);
                throw new IOException("disk full");
            }, CancellationToken.None));
            Directory.GetFiles(dir.FullName).ShouldBeEmpty();
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ShouldReplaceTheWholeFile_WhenWrittenAgain()
    {
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            var path = Path.Combine(dir.FullName, "out.txt");
            await AtomicFile.WriteAllTextAsync(path, "first version, longer", CancellationToken.None);
            await AtomicFile.WriteAllTextAsync(path, "second", CancellationToken.None);
            (await File.ReadAllTextAsync(path)).ShouldBe("second");
            Directory.GetFiles(dir.FullName).Length.ShouldBe(1);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}

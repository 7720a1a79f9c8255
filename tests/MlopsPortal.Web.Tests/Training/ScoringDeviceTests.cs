using Microsoft.EntityFrameworkCore;
using MlopsPortal.Core.ModelRegistry;
using MlopsPortal.Core.Scheduling;
using MlopsPortal.Core.Security;
using MlopsPortal.Core.Training;

namespace MlopsPortal.Web.Tests.Training;

/// <summary>Choosing cpu, cuda or auto for a scoring job on a cluster without a GPU (CI's): refusals name what is missing.</summary>
[Collection(nameof(TrainingCollection))]
public sealed class ScoringDeviceTests(TrainingFixture f)
{
    private async Task<ModelVersion> TrainAsync(string slug)
    {
        await f.CreateModelAsync(slug);
        var done = await f.FinishAsync(await f.Training.StartRunAsync(Actor.Cli(), new TrainingRunRequest(slug, f.Compas, TrainingFixture.FewRounds(), 4)));
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        return (await f.Training.GetVersionAsync(Guid.Parse(done.OutputEntityId!))).Version;
    }

    [Fact]
    public async Task ShouldScoreOnTheCpuAndSaySo_WhenAutoRunsOnANodeWithoutAGpu()
    {
        var version = await TrainAsync("recid-auto");
        var done = await f.FinishAsync(await f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null, ScoringDevices.Auto));
        done.Status.ShouldBe(JobRunStatus.Succeeded, done.Error);
        done.RequiresGpu.ShouldBeFalse();
        done.Summary!.ShouldContain("on the CPU");
        done.Summary!.ShouldContain("auto: this node has no GPU");
        var audit = await f.QueryAsync(db => db.AuditEvents.SingleAsync(e => e.Action == "scoring.completed" && e.EntityId == done.OutputEntityId));
        audit.Payload.ShouldContain("\"device\":\"cpu\"");
        audit.Payload.ShouldContain("\"requestedDevice\":\"auto\"");
    }

    [Fact]
    public async Task ShouldRefuseCudaAndQueueNothing_WhenNoNodeHasDeclaredAGpu()
    {
        var version = await TrainAsync("recid-cuda");
        var before = await f.QueryAsync(db => db.JobRuns.CountAsync());
        var refused = await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null, ScoringDevices.Cuda));
        refused.Message.ShouldContain("No running node has declared a GPU");
        refused.Message.ShouldMatch("libcuda\\.so\\.1|libnvrtc\\.so|found no GPU");
        (await Should.ThrowAsync<PortalValidationException>(() => f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null, "tpu")))
            .Message.ShouldContain("'tpu' is not one of cpu, cuda, auto");
        (await f.QueryAsync(db => db.JobRuns.CountAsync())).ShouldBe(before);
    }

    [Fact]
    public async Task ShouldQueueCudaForGpuNodesOnly_WhenAGpuNodeIsUp()
    {
        var version = await TrainAsync("recid-cuda-routed");
        // A GPU worker that checked in just now (its own start-up self-test passed, as far as this cluster knows).
        await f.QueryAsync(async db =>
        {
            db.WorkerNodes.Add(new WorkerNode
            {
                Id = "gpu-node-test", Host = "gpu-host", Mode = "worker", Capabilities = "cpu,gpu", GpuName = "Test GPU (80 GiB)", MaxConcurrency = 1,
                Version = "test", StartedAt = DateTime.UtcNow, LastCheckInAt = DateTime.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        try
        {
            var run = await f.Training.StartScoringAsync(Actor.Cli(), version.Id, f.Compas, null, ScoringDevices.Cuda);
            run.RequiresGpu.ShouldBeTrue();
            run.Reason.ShouldBe("Score with recid-cuda-routed v1 (cuda)");
            // The portal node has no GPU, so it never picks the run up.
            await Task.Delay(1500);
            (await f.Jobs.GetAsync(run.Id)).Status.ShouldBe(JobRunStatus.Queued);
            await f.Jobs.CancelAsync(Actor.Cli(), run.Id);
        }
        finally
        {
            await f.QueryAsync(db => db.WorkerNodes.Where(n => n.Id == "gpu-node-test").ExecuteDeleteAsync());
        }
    }
}

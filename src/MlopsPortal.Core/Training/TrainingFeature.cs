using Microsoft.Extensions.DependencyInjection;
using MlopsPortal.Core.Scheduling;

namespace MlopsPortal.Core.Training;

public static class TrainingFeature
{
    /// <summary>The training feature's services and job kinds.</summary>
    public static IServiceCollection AddTrainingFeature(this IServiceCollection services)
    {
        services.AddSingleton<TrainingService>();
        services.AddSingleton<RetrainingSchedules>();
        services.AddJobKind<TrainModelJob>(TrainModelJob.Kind, "Training run",
            "Trains a model version on a dataset version (retraining schedules fire this).", schedulable: true);
        services.AddJobKind<EvaluateModelJob>(EvaluateModelJob.Kind, "Evaluation",
            "Evaluates a model version against its acceptance criteria and the champion.");
        services.AddJobKind<ScoreBatchJob>(ScoreBatchJob.Kind, "Batch scoring",
            "Scores a dataset version with a model version, on the CPU or a GPU node.");
        return services;
    }
}

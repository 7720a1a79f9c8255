using System.CommandLine;
using MlopsPortal.Core.Security;
using MlopsPortal.Engine.Hashing;
using MlopsPortal.Engine.Training;

namespace MlopsPortal.Web.Cli;

/// <summary>
/// Offline commands (contracts §1): they work on files, need no database and write no audit events. They
/// call the Engine directly, for scripts and CI pipelines.
/// </summary>
public static partial class PortalCommandLine
{
    /// <summary>Runs engine work, turning the engine's refusals into "bad input" naming the file.</summary>
    private static T Offline<T>(string file, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is EncodingException or XGBoostException or InvalidDataException or Engine.Datasets.CsvFormatException or FormatException)
        {
            throw new PortalValidationException($"{file}: {e.Message}");
        }
    }

    private static FileInfo Existing(FileInfo file) =>
        file.Exists ? file : throw new PortalValidationException($"{file.FullName} does not exist.");

    private static Command TrainCommand(CliContext context)
    {
        var data = new Option<FileInfo>("--data") { Description = "The training CSV.", Required = true };
        var label = new Option<string>("--label") { Description = "The label column.", Required = true };
        var features = new Option<string?>("--features") { Description = "Feature columns, comma-separated (default: every number, boolean and category column)." };
        var parameters = new Option<string[]>("--param") { Description = "An XGBoost parameter as key=value (repeat); num_boost_round sets the rounds (default 100)." };
        var seed = new Option<int>("--seed") { Description = "The seed for the split and for XGBoost.", Required = true };
        var positive = new Option<string?>("--positive-label") { Description = "The label value that counts as positive (default: 1, true, or the rarer value)." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the model package.", Required = true };
        var train = new Command("train", "Train an XGBoost model from a CSV and write its package; prints the validation metrics.")
            { data, label, features, parameters, seed, positive, output };
        train.SetAction(async (parse, ct) =>
        {
            var file = Existing(parse.GetValue(data)!);
            var pairs = ParseParameters(parse.GetValue(parameters));
            string sha;
            await using (var stream = file.OpenRead())
                sha = await Sha256Hex.OfStreamAsync(stream, ct);
            var request = new TrainingRequest(parse.GetValue(label)!,
                parse.GetValue(features)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
                pairs, parse.GetValue(seed), sha, parse.GetValue(positive));
            var result = Offline(file.Name, () => Trainer.Train(file.OpenRead, request, ct: ct));
            var target = parse.GetValue(output)!;
            await File.WriteAllBytesAsync(target.FullName, result.Package, ct);
            var summary = new
            {
                package = target.FullName, sha256 = result.PackageSha256, task = result.Manifest.Task,
                label = result.Manifest.Label, trainRows = result.TrainRows, validationRows = result.ValidationRows,
                inputs = result.Manifest.Features.SelectMany(f => f.InputNames).ToList(), seed = result.Manifest.Seed,
                parameters = result.Manifest.Hyperparameters, engine = result.Manifest.Engine, engineVersion = result.Manifest.EngineVersion,
                rounds = result.Rounds.Count,
                validation = (object?)result.Classification ?? result.Regression,
            };
            if (parse.GetValue(Json)) await context.WriteJsonAsync(summary);
            else
            {
                await context.Output.WriteLineAsync($"Wrote {target.FullName} (sha256 {result.PackageSha256}): {result.Manifest.Task}, " +
                                                    $"{result.TrainRows:N0} training and {result.ValidationRows:N0} validation rows, {result.Rounds.Count} rounds.");
                var last = result.Rounds[^1];
                await context.Output.WriteLineAsync($"Final {last.Metric}: train {last.Train:0.#####}, validation {last.Validation:0.#####}." +
                                                    (result.Classification is { Auc: { } auc } ? $" Validation AUC {auc:0.####}." : "") +
                                                    (result.Regression is { } r ? $" Validation RMSE {r.Rmse:0.####}." : ""));
            }
            return Ok;
        });
        return train;
    }

    private static Command ScoreCommand(CliContext context)
    {
        var model = new Option<FileInfo>("--model") { Description = "A model package (from train or the portal).", Required = true };
        var data = new Option<FileInfo>("--data") { Description = "The CSV to score.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the scores (CSV).", Required = true };
        var keys = new Option<string[]>("--key") { Description = "A key column to copy into the output (repeat, or comma-separated)." };
        var threshold = new Option<double?>("--threshold") { Description = "Classifiers: prediction is the positive label when score ≥ this (default 0.5)." };
        var device = new Option<string>("--device")
        {
            Description = "cpu (libxgboost), cuda (the portal's GPU kernel; needs the NVIDIA driver and NVRTC) or auto (cuda when this machine can, else cpu).",
            DefaultValueFactory = _ => "auto",
        };
        device.AcceptOnlyFromAmong("cpu", "cuda", "auto");
        var score = new Command("score", "Score a CSV with a model package: key columns, score and (classifiers) prediction, in input order.")
            { model, data, output, keys, threshold, device };
        score.SetAction(async (parse, ct) =>
        {
            var package = Existing(parse.GetValue(model)!);
            var file = Existing(parse.GetValue(data)!);
            var wanted = parse.GetValue(device)!;
            var gpu = wanted == "cpu" ? null : Engine.Scoring.CudaForest.Probe();
            var used = gpu?.Usable == true ? "cuda" : wanted == "cuda"
                ? throw new PortalValidationException($"--device cuda: {gpu!.Message} Use --device cpu or auto.")
                : "cpu";
            var note = wanted == "auto" && used == "cpu" ? $"auto: {gpu!.Message} Scored on the CPU." : null;
            var keyColumns = (parse.GetValue(keys) ?? []).SelectMany(k => k.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
            var target = parse.GetValue(output)!;
            var temporary = target.FullName + ".partial";
            Scorer.Result result;
            try
            {
                await using (var writer = new StreamWriter(temporary, false, new System.Text.UTF8Encoding(false), 1 << 16))
                await using (var packageStream = package.OpenRead())
                    result = Offline(file.Name, () => Scorer.Score(packageStream, file.OpenRead, writer, keyColumns, parse.GetValue(threshold),
                        predictor: used == "cuda" ? GpuPredict : null));
                File.Move(temporary, target.FullName, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(new { output = target.FullName, rows = result.Rows, task = result.Task, threshold = result.Threshold, device = used, note });
            else
                await context.Output.WriteLineAsync($"Scored {result.Rows:N0} rows on the {(used == "cuda" ? "GPU" : "CPU")} into {target.FullName}.{(note is null ? "" : " " + note)}");
            return Ok;
        });
        return score;
    }

    private static float[] GpuPredict(byte[] modelJson, EncodedTable table)
    {
        var forest = Engine.Scoring.TreeForest.FromXGBoostJson(modelJson);
        using var cuda = new Engine.Scoring.CudaForest();
        var scores = new float[table.Rows];
        cuda.Score(forest, table.Values, table.Rows, table.Columns, scores);
        return scores;
    }
}

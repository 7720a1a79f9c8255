using System.CommandLine;
using MlopsPortal.Core.Security;
using System.IO.Compression;
using MlopsPortal.Engine.Hashing;
using MlopsPortal.Engine.Models;
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
        var engine = new Option<string>("--engine")
        {
            Description = "xgboost (default), mlnet-fasttree, mlnet-lightgbm or mlnet-logistic (a regularised logistic regression).",
            DefaultValueFactory = _ => ModelEngines.XGBoost,
        };
        engine.AcceptOnlyFromAmong([.. ModelEngines.Trainable]);
        var parameters = new Option<string[]>("--param") { Description = "A parameter of the engine as key=value (repeat); for xgboost num_boost_round sets the rounds (default 100), for ML.NET's trees number_of_trees / number_of_iterations." };
        var seed = new Option<int>("--seed") { Description = "The seed for the split and for XGBoost.", Required = true };
        var positive = new Option<string?>("--positive-label") { Description = "The label value that counts as positive (default: 1, true, or the rarer value)." };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the model package.", Required = true };
        var train = new Command("train", "Train a model (XGBoost or ML.NET) from a CSV and write its package; prints the validation metrics.")
            { data, label, features, engine, parameters, seed, positive, output };
        train.SetAction(async (parse, ct) =>
        {
            var file = Existing(parse.GetValue(data)!);
            var pairs = ParseParameters(parse.GetValue(parameters));
            string sha;
            await using (var stream = file.OpenRead())
                sha = await Sha256Hex.OfStreamAsync(stream, ct);
            var request = new TrainingRequest(parse.GetValue(label)!,
                parse.GetValue(features)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
                pairs, parse.GetValue(seed), sha, parse.GetValue(positive), parse.GetValue(engine)!);
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
                var final = result.Rounds.Count == 0 ? $"Engine {ModelEngines.DisplayName(result.Manifest.Engine)} {result.Manifest.EngineVersion}."
                    : $"Final {result.Rounds[^1].Metric}: train {result.Rounds[^1].Train:0.#####}, validation {result.Rounds[^1].Validation:0.#####}.";
                await context.Output.WriteLineAsync(final +
                                                    (result.Classification is { Auc: { } auc } ? $" Validation AUC {auc:0.####}." : "") +
                                                    (result.Regression is { } r ? $" Validation RMSE {r.Rmse:0.####}." : ""));
            }
            return Ok;
        });
        return train;
    }

    private static Command ScoreCommand(CliContext context)
    {
        var model = new Option<FileInfo>("--model") { Description = "A model package (from train or the portal), an ONNX file (.onnx), an ML.NET model (.zip) or an XGBoost JSON model.", Required = true };
        var features = new Option<string?>("--features") { Description = "For an ONNX, ML.NET or XGBoost file that does not name its inputs: the feature columns in the model's order, comma-separated." };
        var reasons = new Option<int>("--reasons") { Description = "Write each row's K strongest reasons (feature and contribution) after the score; 0 for none." };
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
            { model, data, output, keys, threshold, device, features, reasons };
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
            var packageBytes = Offline(package.Name, () => PackageOf(package, parse.GetValue(features)));
            // The GPU kernel scores XGBoost's trees; other engines score on the CPU.
            var engine = ModelPackage.Read(new MemoryStream(packageBytes)).Manifest.Engine;
            if (engine != ModelEngines.XGBoost && used == "cuda")
            {
                if (wanted == "cuda")
                    throw new PortalValidationException($"--device cuda: the GPU kernel scores XGBoost models; this is a {ModelEngines.DisplayName(engine)} model. Use --device cpu or auto.");
                (used, note) = ("cpu", $"auto: {ModelEngines.DisplayName(engine)} models score on the CPU.");
            }
            var keyColumns = (parse.GetValue(keys) ?? []).SelectMany(k => k.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
            var target = parse.GetValue(output)!;
            var temporary = target.FullName + ".partial";
            Scorer.Result result;
            try
            {
                await using (var writer = new StreamWriter(temporary, false, new System.Text.UTF8Encoding(false), 1 << 16))
                await using (var packageStream = new MemoryStream(packageBytes))
                    result = Offline(file.Name, () => Scorer.Score(packageStream, file.OpenRead, writer, keyColumns, parse.GetValue(threshold),
                        predictor: used == "cuda" ? GpuPredict : null, reasons: parse.GetValue(reasons)));
                File.Move(temporary, target.FullName, overwrite: true);
            }
            finally
            {
                File.Delete(temporary);
            }
            if (parse.GetValue(Json))
                await context.WriteJsonAsync(new { output = target.FullName, rows = result.Rows, task = result.Task, threshold = result.Threshold, device = used, note, reasons = result.ReasonsNote });
            else
                await context.Output.WriteLineAsync($"Scored {result.Rows:N0} rows on the {(used == "cuda" ? "GPU" : "CPU")} into {target.FullName}.{(note is null ? "" : " " + note)}"
                                                    + (result.ReasonsNote is null ? "" : $" Reasons: {result.ReasonsNote}"));
            return Ok;
        });
        return score;
    }

    /// <summary>
    /// The package to score with: the file itself when it is one, else a package made in memory around a model file
    /// from another tool (its features from the file or from <paramref name="features"/>).
    /// </summary>
    private static byte[] PackageOf(FileInfo file, string? features)
    {
        var bytes = File.ReadAllBytes(file.FullName);
        if (bytes.Length > 1 && bytes[0] == (byte)'P' && bytes[1] == (byte)'K')
        {
            using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
            if (zip.GetEntry(ModelPackage.ManifestEntry) is not null) return bytes;
        }
        var listed = features?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        ExternalModel external;
        try
        {
            external = ExternalModels.Read(bytes, listed, task: null);
        }
        catch (InvalidDataException e) when (e.Message.StartsWith("ONNX Runtime cannot load", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The file is not a model package, an ONNX model, an ML.NET zip or XGBoost's JSON ({e.Message.TrimEnd('.')}).", e);
        }
        return ExternalModels.Package(external, new LabelEncoding("label", external.Task == "binaryClassification" ? "1" : null, "0"), null);
    }

    private static float[]? GpuPredict(ModelManifest manifest, byte[] modelJson, EncodedTable table)
    {
        if (manifest.Engine != ModelEngines.XGBoost) return null;
        var forest = Engine.Scoring.TreeForest.FromXGBoostJson(modelJson);
        using var cuda = new Engine.Scoring.CudaForest();
        var scores = new float[table.Rows];
        cuda.Score(forest, table.Values, table.Rows, table.Columns, scores);
        return scores;
    }
}

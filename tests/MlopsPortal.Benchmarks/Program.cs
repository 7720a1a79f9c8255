using MlopsPortal.Benchmarks;

// Bench commands; scripts/bench.sh starts PostgreSQL and runs them. Results go to docs/benchmarks.md by hand,
// with the machine and the command.
var arguments = args.ToList();
string Option(string name, string fallback)
{
    var i = arguments.IndexOf(name);
    return i >= 0 && i + 1 < arguments.Count ? arguments[i + 1] : fallback;
}

switch (arguments.FirstOrDefault())
{
    case "scheduler":
        var workerArgs = arguments.Where(a => a.StartsWith("--Scheduling:", StringComparison.Ordinal)).ToArray();
        await SchedulerBench.RunAsync(int.Parse(Option("--jobs", "500")), int.Parse(Option("--rounds", "3")), int.Parse(Option("--kills", "3")), workerArgs);
        return 0;
    case "csv-types":
        CsvReadBench.RunTypes(arguments[1], int.Parse(Option("--rounds", "3")));
        return 0;
    case "csv-read":
        CsvReadBench.Run(arguments[1], int.Parse(Option("--rounds", "3")));
        return 0;
    default:
        Console.Error.WriteLine("usage: MlopsPortal.Benchmarks scheduler [--jobs N] [--rounds N] [--kills N] [--Scheduling:Key=value …]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks csv-read|csv-types FILE [--rounds N]");
        return 2;
}

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
    case "csv-generate":
        IngestBench.Generate(arguments[1], int.Parse(Option("--rows", "1000000")));
        return 0;
    case "ingest":
        await IngestBench.RunAsync(arguments[1], int.Parse(Option("--rounds", "3")));
        return 0;
    case "login":
        await LoginBench.RunAsync(int.Parse(Option("--attempts", "40")), arguments.Contains("--stock"));
        return 0;
    case "audit-writes":
        await AuditWritesBench.RunAsync(Option("--provider", "sqlite"), int.Parse(Option("--writers", "200")), int.Parse(Option("--rounds", "5")));
        return 0;
    case "registry":
        await RegistryBench.RunAsync(Option("--provider", "sqlite"), int.Parse(Option("--models", "10000")), int.Parse(Option("--versions", "100000")),
            int.Parse(Option("--repeats", "20")));
        return 0;
    case "xgboost":
        XGBoostBench.Run(arguments.ElementAtOrDefault(1) ?? "/tmp/xgb-bench", Option("--adult", "tests/data/adult/adult.data"), int.Parse(Option("--repeats", "5")));
        return 0;
    case "engines":
        EnginesBench.Run(Option("--adult", "tests/data/adult/adult.data"), int.Parse(Option("--repeats", "3")));
        return 0;
    case "fairness":
        FairnessBench.Run(int.Parse(Option("--rows", "10000000")), int.Parse(Option("--bootstrap", "0")), arguments.Contains("--intersectional"),
            int.Parse(Option("--repeats", "3")));
        return 0;
    case "drift":
        DriftBench.Run(int.Parse(Option("--rows", "1000000")), int.Parse(Option("--repeats", "3")));
        return 0;
    case "lineage":
        await LineageBench.RunAsync(Option("--provider", "sqlite"), Option("--sizes", "100,1000,5000").Split(',').Select(int.Parse).ToList(),
            int.Parse(Option("--repeats", "5")));
        return 0;
    case "report":
        ReportBench.Run(int.Parse(Option("--repeats", "10")));
        return 0;
    case "live":
        LiveBench.Run(int.Parse(Option("--rows", "10000000")), int.Parse(Option("--outcomes", "1000000")), int.Parse(Option("--repeats", "3")));
        return 0;
    case "circuit-soak":
        await CircuitSoakBench.RunAsync(double.Parse(Option("--minutes", "10"), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(Option("--circuits", "200")), int.Parse(Option("--concurrency", "10")));
        return 0;
    case "first-load":
        await FirstLoadBench.RunAsync(Option("--url", "http://localhost:5080"), Option("--email", "engineer@demo.local"),
            Option("--password", Environment.GetEnvironmentVariable("Demo__Password") ?? ""), int.Parse(Option("--runs", "7")));
        return 0;
    case "csv-read":
        CsvReadBench.Run(arguments[1], int.Parse(Option("--rounds", "3")));
        return 0;
    default:
        Console.Error.WriteLine("usage: MlopsPortal.Benchmarks scheduler [--jobs N] [--rounds N] [--kills N] [--Scheduling:Key=value …]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks csv-read|csv-types|ingest FILE [--rounds N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks csv-generate FILE [--rows N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks xgboost [FOLDER] [--adult FILE] [--repeats N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks engines [--adult FILE] [--repeats N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks fairness [--rows N] [--bootstrap N] [--intersectional] [--repeats N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks drift [--rows N] [--repeats N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks circuit-soak [--minutes N] [--circuits N] [--concurrency N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks first-load [--url URL] [--email E] [--password P (default: $Demo__Password)] [--runs N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks report [--repeats N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks live [--rows N] [--outcomes N] [--repeats N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks lineage [--provider sqlite|postgres] [--sizes 100,1000,5000] [--repeats N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks login [--attempts N] [--stock]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks audit-writes [--provider sqlite|postgres] [--writers N] [--rounds N]");
        Console.Error.WriteLine("       MlopsPortal.Benchmarks registry [--provider sqlite|postgres] [--models N] [--versions N] [--repeats N]");
        return 2;
}

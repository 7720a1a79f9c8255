namespace MlopsPortal.Core.Artifacts;

/// <summary>Sizes as people read them: 2 GiB, 1.9 MiB, 512 bytes.</summary>
public static class ByteSize
{
    public static string Format(double bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (1L << 30):0.##} GiB",
        >= 1L << 20 => $"{bytes / (1L << 20):0.#} MiB",
        >= 1L << 10 => $"{bytes / (1L << 10):0.#} KiB",
        _ => $"{bytes:0} bytes",
    };
}

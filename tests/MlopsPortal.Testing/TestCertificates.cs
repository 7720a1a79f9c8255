using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace MlopsPortal.Testing;

/// <summary>
/// One key-encryption certificate for the whole test run, handed to every test host as DataProtection:Certificate:Path:
/// a SQLite portal without one would generate its own RSA key per data directory, seconds of CPU over the suite.
/// </summary>
public static class TestCertificates
{
    public const string Setting = "DataProtection:Certificate:Path";

    private static readonly Lazy<string> Shared = new(() => Create(Path.Combine(Path.GetTempPath(), $"mlops-test-dp-{Environment.ProcessId}.pfx")));

    public static string DataProtectionPath => Shared.Value;

    /// <summary>Writes a fresh self-signed RSA certificate with its private key, without a password, to <paramref name="path"/>.</summary>
    public static string Create(string path)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=MLOps Portal tests", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12));
        return path;
    }
}

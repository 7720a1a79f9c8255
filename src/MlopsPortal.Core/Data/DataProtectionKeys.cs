using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MlopsPortal.Core.Data;

/// <summary>Bound from "DataProtection:Certificate": the certificate that encrypts the Data Protection keys at rest.</summary>
public sealed class DataProtectionCertificateOptions
{
    public const string Section = "DataProtection:Certificate";
    /// <summary>A PKCS#12 file with the private key, the same on every process that shares the database.</summary>
    public string? Path { get; set; }
    public string? Password { get; set; }
    /// <summary>Or a certificate in the CurrentUser/My or LocalMachine/My store, by SHA-1 thumbprint.</summary>
    public string? Thumbprint { get; set; }
}

/// <summary>
/// How the Data Protection key ring (cookies, antiforgery tokens, the report-signing key, SMTP and webhook secrets) is
/// protected at rest in the database (ADR-017, docs/operations.md):
/// a configured certificate (file or store) encrypts every new key; without one, a SQLite portal — one process on one
/// machine — creates its own key-encryption certificate in &lt;data-dir&gt;/keys at first use, so that a copy of the
/// database alone cannot forge a session; a server database without one keeps the keys unencrypted, which is the
/// documented choice there (every process must read them), and says so once per new key at Information level.
/// </summary>
public static class DataProtectionKeys
{
    public const string GeneratedCertificateFile = "data-protection.pfx";

    public static IDataProtectionBuilder ProtectKeysAtRest(this IDataProtectionBuilder builder, IConfiguration configuration, PortalPaths paths)
    {
        var options = configuration.GetSection(DataProtectionCertificateOptions.Section).Get<DataProtectionCertificateOptions>() ?? new();
        var provider = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.Provider ?? DatabaseProvider.Sqlite;
        if (!string.IsNullOrWhiteSpace(options.Thumbprint))
            return builder.ProtectKeysWithCertificate(options.Thumbprint.Trim());

        Func<X509Certificate2>? source = !string.IsNullOrWhiteSpace(options.Path) ? () => LoadConfigured(options.Path!, options.Password)
            : provider == DatabaseProvider.Sqlite ? () => LoadOrCreateGenerated(System.IO.Path.Combine(paths.DataDirectory, "keys"))
            : null;
        if (source is null)
        {
            builder.Services.AddOptions<KeyManagementOptions>().Configure<ILoggerFactory>((o, logs) => o.XmlEncryptor = new UnencryptedKeys(logs));
            return builder;
        }
        // Loaded (on SQLite: created the first time) here, because Data Protection takes the certificate itself, not a
        // way to find it later; commands that never build a portal host (offline training, scripts) never come here.
        return builder.ProtectKeysWithCertificate(source());
    }

    private static X509Certificate2 LoadConfigured(string path, string? password)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{DataProtectionCertificateOptions.Section}:Path names {path}, which does not exist.", path);
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
            throw new InvalidOperationException($"The certificate in {path} has no RSA private key, so it cannot decrypt the Data Protection keys.");
        return certificate;
    }

    /// <summary>The SQLite portal's own key-encryption certificate: created once, readable by the service account only.</summary>
    private static X509Certificate2 LoadOrCreateGenerated(string folder)
    {
        var path = Path.Combine(folder, GeneratedCertificateFile);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(folder);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            using var rsa = RSA.Create(3072);
            var request = new CertificateRequest($"CN=MLOps Governance Portal data protection ({Environment.MachineName})", rsa,
                HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DataEncipherment, critical: true));
            using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(100));
            var temporary = $"{path}.{Guid.NewGuid():N}.partial";
            File.WriteAllBytes(temporary, created.Export(X509ContentType.Pkcs12));
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            try
            {
                // Two processes starting at once on one data directory: the first file wins, the other reads it.
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }
        return X509CertificateLoader.LoadPkcs12FromFile(path, null);
    }

    /// <summary>Data Protection's null encryptor, chosen on purpose and said calmly: once per new key, at Information level.</summary>
    private sealed class UnencryptedKeys(ILoggerFactory logs) : IXmlEncryptor
    {
        private readonly NullXmlEncryptor _inner = new();
        private readonly ILogger _logger = logs.CreateLogger("MlopsPortal.DataProtection");

        public EncryptedXmlInfo Encrypt(XElement plaintextElement)
        {
            _logger.LogInformation("A new Data Protection key is stored unencrypted in the database, as configured: no {Section} is set " +
                                   "(docs/operations.md, \"Protecting the keys\").", DataProtectionCertificateOptions.Section);
            return _inner.Encrypt(plaintextElement);
        }
    }
}

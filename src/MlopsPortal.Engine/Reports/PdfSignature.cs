using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;

namespace MlopsPortal.Engine.Reports;

/// <summary>What a PDF's embedded signature says: valid or not, over the whole file or not, and by whom.</summary>
public sealed record PdfSignatureCheck(bool Signed, bool Valid, bool CoversWholeFile, string? SignerThumbprint, string? SignerSubject, string Message);

/// <summary>
/// Checks the last embedded signature of a PDF (PDFsharp writes one: a detached CMS over the /ByteRange). Written here:
/// PDFsharp signs but does not verify; the CMS part is .NET's <see cref="SignedCms"/>, the PDF part only finds the
/// byte range and the signature's bytes.
/// </summary>
public static partial class PdfSignature
{
    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRangePattern();

    [GeneratedRegex(@"/Contents\s*<([0-9A-Fa-f]+)>")]
    private static partial Regex ContentsPattern();

    public static PdfSignatureCheck Check(ReadOnlySpan<byte> pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var ranges = ByteRangePattern().Matches(text);
        if (ranges.Count == 0) return new(false, false, false, null, null, "The file carries no embedded signature.");
        var range = ranges[^1];
        var (a, b, c, d) = (long.Parse(range.Groups[1].Value), long.Parse(range.Groups[2].Value), long.Parse(range.Groups[3].Value), long.Parse(range.Groups[4].Value));
        if (a != 0 || a + b > c || c + d > pdf.Length || b < 0 || d < 0)
            return new(true, false, false, null, null, "The signature's byte range does not fit the file.");
        // The signature's bytes sit between the two ranges, as <hex>.
        var gap = text.Substring((int)b, (int)(c - b));
        var contents = ContentsPattern().Match(gap.Length > 0 && gap[0] == '<' ? "/Contents " + gap : gap);
        if (!contents.Success) return new(true, false, false, null, null, "The signature's contents could not be read.");
        var signed = new byte[b + d];
        pdf[..(int)b].CopyTo(signed);
        pdf.Slice((int)c, (int)d).CopyTo(signed.AsSpan((int)b));
        try
        {
            var cms = new SignedCms(new ContentInfo(signed), detached: true);
            cms.Decode(DerOnly(Convert.FromHexString(contents.Groups[1].Value)));
            cms.CheckSignature(verifySignatureOnly: true);
            var certificate = cms.SignerInfos[0].Certificate;
            var whole = c + d == pdf.Length;
            return new(true, true, whole, certificate?.GetCertHashString(HashAlgorithmName.SHA256), certificate?.Subject,
                whole ? "The signature is valid and covers the whole file." : "The signature is valid, but bytes were added after signing.");
        }
        catch (CryptographicException e)
        {
            return new(true, false, false, null, null, $"The signature does not match the file: {e.Message}");
        }
    }

    /// <summary>The reserved space is zero-padded; the DER SEQUENCE's own length says where the CMS ends.</summary>
    private static byte[] DerOnly(byte[] bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0x30) throw new CryptographicException("The signature is not a DER-encoded CMS structure.");
        long length;
        int header;
        if (bytes[1] < 0x80) (length, header) = (bytes[1], 2);
        else
        {
            var count = bytes[1] & 0x7F;
            if (count is 0 or > 4 || bytes.Length < 2 + count) throw new CryptographicException("The signature's length is malformed.");
            length = 0;
            for (var i = 0; i < count; i++) length = (length << 8) | bytes[2 + i];
            header = 2 + count;
        }
        if (header + length > bytes.Length) throw new CryptographicException("The signature is longer than its reserved space.");
        return bytes[..(int)(header + length)];
    }

    /// <summary>The SHA-256 fingerprint of a certificate, as the portal shows it (uppercase hex pairs with colons).</summary>
    public static string Fingerprint(X509Certificate2 certificate) =>
        string.Join(':', Convert.ToHexString(certificate.GetCertHash(HashAlgorithmName.SHA256)).Chunk(2).Select(p => new string(p)));
}

/// <summary>The portal's signing certificate when none is configured: RSA-3072, self-signed, ten years.</summary>
public static class ReportCertificates
{
    public static X509Certificate2 CreateSelfSigned(string subject)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
        // Re-import so that the private key is usable by the CMS signer on Linux.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null, X509KeyStorageFlags.Exportable);
    }
}

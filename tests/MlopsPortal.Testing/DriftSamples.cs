using System.Globalization;
using System.Text;

namespace MlopsPortal.Testing;

/// <summary>Data for drift tests.</summary>
public static class DriftSamples
{
    /// <summary>
    /// COMPAS-shaped scoring data from a "new county" unlike COMPAS: older, more priors, mostly felonies, mostly women
    /// (the columns a recidivism model reads, with the key column id).
    /// </summary>
    public static byte[] NewCountyCsv(int rows = 600, int seed = 5)
    {
        var random = new Random(seed);
        var csv = new StringBuilder("id,age,priors_count,c_charge_degree,juv_fel_count,sex\n");
        for (var i = 0; i < rows; i++)
            csv.Append(CultureInfo.InvariantCulture,
                $"{i},{50 + random.Next(25)},{8 + random.Next(12)},{(random.Next(10) < 8 ? "F" : "M")},{random.Next(4)},{(random.Next(10) < 8 ? "Female" : "Male")}\n");
        return Encoding.UTF8.GetBytes(csv.ToString());
    }
}

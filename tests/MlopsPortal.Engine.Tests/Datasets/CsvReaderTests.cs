using System.Text;
using MlopsPortal.Engine.Datasets;

namespace MlopsPortal.Engine.Tests.Datasets;

public sealed class CsvReaderTests
{
    private static string DataFile(string relative) => Path.Combine(AppContext.BaseDirectory, "data", relative);

    private static (CsvReader Reader, List<string[]> Rows) ReadAll(byte[] bytes, CsvReaderOptions? options = null)
    {
        var reader = new CsvReader(new MemoryStream(bytes), options);
        var rows = new List<string[]>();
        while (reader.Read())
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.FieldString).ToArray());
        return (reader, rows);
    }

    private static (CsvReader Reader, List<string[]> Rows) ReadAll(string text, CsvReaderOptions? options = null) =>
        ReadAll(Encoding.UTF8.GetBytes(text), options);

    [Fact]
    public void ShouldReadCompasWithRenamedDuplicates_WhenTheShippedFileIsRead()
    {
        using var stream = File.OpenRead(DataFile("compas/compas-two-years.csv"));
        using var reader = new CsvReader(stream);
        var rows = 0;
        while (reader.Read()) rows++;
        rows.ShouldBe(7214);
        reader.Header.Count.ShouldBe(49);
        reader.Header.ShouldContain("decile_score_2");
        reader.Header.ShouldContain("priors_count_2");
        reader.Warnings.Count(w => w.Contains("repeats the name")).ShouldBe(2);
    }

    [Theory]
    [InlineData("adult/adult.data", 32561, ">50K")]
    [InlineData("adult/adult.test", 16281, ">50K.")]
    public void ShouldTrimTheSpaceAfterEachComma_WhenUciAdultIsRead(string file, int expectedRows, string positiveLabel)
    {
        using var stream = File.OpenRead(DataFile(file));
        using var reader = new CsvReader(stream);
        var rows = 0;
        var missingWorkclass = 0;
        var positives = 0;
        var workclass = reader.Header.ToList().IndexOf("workclass");
        var label = reader.Header.ToList().IndexOf("Y");
        while (reader.Read())
        {
            rows++;
            if (reader.Field(workclass).SequenceEqual("?"u8)) missingWorkclass++;
            if (reader.FieldString(label) == positiveLabel) positives++;
        }
        rows.ShouldBe(expectedRows);
        reader.Header.Count.ShouldBe(15);
        reader.Header[1].ShouldBe("workclass");
        missingWorkclass.ShouldBeGreaterThan(0);
        positives.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void ShouldKeepDelimitersQuotesAndLineBreaks_WhenFieldsAreQuoted()
    {
        var (reader, rows) = ReadAll("id,note,score\r\n1,\"a, b\",2\r\n2,\"line one\nline two\",3\r\n3,\"say \"\"hi\"\"\",4\r\n4,\"\",5\r\n");
        rows.Count.ShouldBe(4);
        rows[0][1].ShouldBe("a, b");
        rows[1][1].ShouldBe("line one\nline two");
        rows[2][1].ShouldBe("say \"hi\"");
        rows[3][1].ShouldBe("");
        reader.RowLine.ShouldBe(6);

        using var again = new CsvReader(new MemoryStream("a,b\n\"\",\n"u8.ToArray()));
        again.Read().ShouldBeTrue();
        again.IsQuoted(0).ShouldBeTrue("a quoted empty string is a value, not a missing one");
        again.IsQuoted(1).ShouldBeFalse();
    }

    [Fact]
    public void ShouldDropTheByteOrderMark_WhenTheFileStartsWithOne()
    {
        var (reader, rows) = ReadAll([0xEF, 0xBB, 0xBF, .. "a,b\n1,2"u8.ToArray()]);
        reader.Header[0].ShouldBe("a");
        rows.Single().ShouldBe(["1", "2"]);
    }

    [Fact]
    public void ShouldPadAndWarn_WhenARaggedRowIsWithinTheTolerance()
    {
        var (reader, rows) = ReadAll("a,b,c\n1,2\n3,4,5\n", new CsvReaderOptions { RaggedRowTolerance = 1 });
        rows[0].ShouldBe(["1", "2", ""]);
        reader.Warnings.ShouldContain(w => w.StartsWith("Line 2 has 2 fields instead of 3"));
    }

    [Theory]
    [InlineData("", "the file is empty", 1, 1)]
    [InlineData("a,b,c\n", "header but no data rows", 2, 1)]
    [InlineData("a,b,c\n1,2,3\n4,5\n", "2 fields but the header has 3", 3, 3)]
    [InlineData("a,b\n1,\"open\n2,3\n", "not closed before the end of the file", 2, 2)]
    [InlineData("a,b\n1,\"x\"y\n", "after a closing quote", 2, 2)]
    [InlineData("\n\n\n\n", "no header: it holds only blank lines", 5, 1)]
    [InlineData("\r\n  \r\n\r\n", "no header: it holds only blank lines", 4, 1)]
    public void ShouldNameTheLineAndColumn_WhenTheTextIsMalformed(string text, string reason, long line, int column)
    {
        var e = Should.Throw<CsvFormatException>(() => ReadAll(text));
        e.Reason.ShouldContain(reason);
        (e.Line, e.Column).ShouldBe((line, column));
    }

    [Fact]
    public void ShouldRejectInvalidUtf8_WithTheLineAndColumnOfTheBadField()
    {
        var e = Should.Throw<CsvFormatException>(() => ReadAll([.. "a,b\n1,2\n3,"u8.ToArray(), 0xC3, 0x28, .. "\n"u8.ToArray()]));
        e.Reason.ShouldContain("not valid UTF-8");
        (e.Line, e.Column).ShouldBe((3L, 2));
    }

    [Fact]
    public void ShouldRejectBinaryContent_WhenANulByteAppears()
    {
        var e = Should.Throw<CsvFormatException>(() => ReadAll([.. "a,b\n1,"u8.ToArray(), 0, .. "\n"u8.ToArray()]));
        e.Reason.ShouldContain("binary");
        e.Line.ShouldBe(2);
    }

    [Fact]
    public void ShouldRejectAnOverlongField_WhenItPassesTheLimit()
    {
        var e = Should.Throw<CsvFormatException>(() => ReadAll("a,b\n1," + new string('x', 2000) + "\n", new CsvReaderOptions { MaxFieldBytes = 1000 }));
        e.Reason.ShouldContain("longer than");
        (e.Line, e.Column).ShouldBe((2L, 2));
    }

    [Fact]
    public void ShouldRejectTooManyColumns_WhenTheHeaderPassesTheLimit()
    {
        var e = Should.Throw<CsvFormatException>(() => ReadAll(string.Join(",", Enumerable.Range(0, 20)) + "\n", new CsvReaderOptions { MaxColumns = 10 }));
        e.Reason.ShouldContain("more than 10 columns");
    }

    [Fact]
    public void ShouldReadEveryRow_WhenRowsStraddleTheInternalBuffer()
    {
        var sb = new StringBuilder("id,text\n");
        for (var i = 0; i < 20_000; i++) sb.Append(i).Append(",\"row ").Append(i).Append(", with a comma\"\n");
        var (reader, rows) = ReadAll(sb.ToString());
        rows.Count.ShouldBe(20_000);
        rows[^1].ShouldBe(["19999", "row 19999, with a comma"]);
        reader.RowLine.ShouldBe(20_001);
    }

    [Fact]
    public void ShouldSkipBlankLinesBeforeTheHeader_WhenTheFileStartsWithThem()
    {
        using var reader = new CsvReader(new MemoryStream("\n  \na,b\n1,2\n"u8.ToArray()));
        reader.Header.ShouldBe(["a", "b"]);
        reader.Read().ShouldBeTrue();
        reader.FieldString(1).ShouldBe("2");
    }
}

using System.Globalization;
using System.Text;
using Spoke.Emulator.Errors;

namespace Spoke.Emulator.Imports;

/// <summary>One data row of an import file: its cells and the 1-based line it starts on (the header is line 1).</summary>
internal sealed record CsvRow(int LineNumber, IReadOnlyList<string> Cells);

/// <summary>
/// A small RFC 4180 reader (quoted cells, doubled quotes, CR/LF/CRLF line ends, a UTF-8 BOM). The emulator shares no
/// code with the tools, so it keeps its own. Anything it cannot read is HubSpot's 400, never a crash.
/// </summary>
internal static class CsvFile
{
    public static (IReadOnlyList<string> Header, List<CsvRow> Rows) Parse(string fileName, ReadOnlySpan<byte> bytes, bool hasHeader, int maxRows)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw ApiError.Validation($"The file \"{fileName}\" is not valid UTF-8 text. Save it as UTF-8 CSV and import it again.",
                context: ApiError.Ctx("fileName", fileName));
        }

        var text = Encoding.UTF8.GetString(bytes);
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var rows = new List<CsvRow>();
        List<string>? header = null;
        var cells = new List<string>();
        var cell = new StringBuilder();
        var line = 1;
        var rowStart = 1;
        var inQuotes = false;
        var quotedCell = false;
        var i = 0;

        void EndCell()
        {
            cells.Add(cell.ToString());
            cell.Clear();
            quotedCell = false;
        }

        void EndRow()
        {
            EndCell();
            var blank = cells.Count == 1 && cells[0].Length == 0;
            if (!blank)
            {
                if (hasHeader && header is null)
                {
                    header = [.. cells];
                }
                else
                {
                    if (rows.Count >= maxRows)
                    {
                        throw new ApiError(429, "RATE_LIMITS",
                            string.Create(CultureInfo.InvariantCulture, $"The file \"{fileName}\" has more than {maxRows} rows, the most one import file may hold. Split it into several files."))
                        {
                            Context = ApiError.Ctx("maxRows", maxRows.ToString(CultureInfo.InvariantCulture)),
                        };
                    }

                    rows.Add(new CsvRow(rowStart, [.. cells]));
                }
            }

            cells.Clear();
        }

        while (i < text.Length)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        cell.Append('"');
                        i += 2;
                        continue;
                    }

                    inQuotes = false;
                    i++;
                    if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                    {
                        throw Malformed(fileName, line, "a quoted cell must end at a comma or the end of the line");
                    }

                    continue;
                }

                if (c == '\n')
                {
                    line++;
                }

                cell.Append(c);
                i++;
                continue;
            }

            switch (c)
            {
                case '"' when cell.Length == 0 && !quotedCell:
                    inQuotes = true;
                    quotedCell = true;
                    i++;
                    break;
                case '"':
                    throw Malformed(fileName, line, "a quote may only open a cell (write a quote inside a quoted cell as two quotes)");
                case ',':
                    EndCell();
                    i++;
                    break;
                case '\r' or '\n':
                    EndRow();
                    i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    line++;
                    rowStart = line;
                    break;
                default:
                    cell.Append(c);
                    i++;
                    break;
            }
        }

        if (inQuotes)
        {
            throw Malformed(fileName, rowStart, "a quoted cell is never closed");
        }

        if (cell.Length > 0 || cells.Count > 0)
        {
            EndRow();
        }

        if (hasHeader && header is null)
        {
            throw ApiError.Validation($"The file \"{fileName}\" is empty: it needs a header row naming the columns.", context: ApiError.Ctx("fileName", fileName));
        }

        return (header ?? [], rows);
    }

    private static ApiError Malformed(string fileName, int line, string why) =>
        ApiError.Validation(string.Create(CultureInfo.InvariantCulture, $"The file \"{fileName}\" is not valid CSV on line {line}: {why}."),
            context: ApiError.Ctx("lineNumber", line.ToString(CultureInfo.InvariantCulture)));
}

using System.Text;
using Spoke.Emulator.Objects;

namespace Spoke.Emulator.Persistence;

/// <summary>
/// The compact binary form of a record's property values with their whole history (one blob per record).
/// Layout: format byte, then varint property count; per property its name, varint version count and the versions
/// newest first, each as value, zigzag-varint tick offset from the record's creation, source type and source id.
/// Strings are varint tagged: 0 null, 1 a UTF-8 literal (varint length + bytes), n ≥ 2 the (n-2)th literal already
/// in this blob, so the timestamps and ids HubSpot repeats across system properties are stored once.
/// Binary rather than JSON because a million-record portal must load in seconds.
/// </summary>
internal sealed class RecordCodec
{
    private const byte Format = 1;
    private const int MaxInternedLength = 40;
    private const int MaxInternedStrings = 1 << 16;

    private readonly Dictionary<string, int> _written = new(StringComparer.Ordinal);
    private readonly List<string> _read = [];
    private readonly List<(string Value, long Ticks, string Source, string? SourceId)> _versions = [];
    // Decoded strings are shared across records (property names, enumeration values, cities): a loaded portal
    // then costs about what the same portal costs when built by writes.
    private readonly Dictionary<string, string> _pool;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly char[] _chars = new char[MaxInternedLength];
    private byte[] _buffer = new byte[4096];
    private int _length;

    public RecordCodec()
    {
        _pool = new Dictionary<string, string>(StringComparer.Ordinal);
        _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public byte[] Encode(CrmRecord record)
    {
        _length = 0;
        _written.Clear();
        var baseTicks = record.CreatedAt.UtcTicks;
        WriteByte(Format);
        WriteVarint((ulong)record.Properties.Count);
        foreach (var (name, current) in record.Properties)
        {
            WriteString(name);
            var versions = 0;
            for (var v = current; v is not null; v = v.Previous)
            {
                versions++;
            }

            WriteVarint((ulong)versions);
            for (var v = current; v is not null; v = v.Previous)
            {
                WriteString(v.Value);
                WriteVarint(ZigZag(v.Timestamp.UtcTicks - baseTicks));
                WriteString(v.SourceType);
                WriteString(v.SourceId);
            }
        }

        return _buffer.AsSpan(0, _length).ToArray();
    }

    /// <summary>Fills <paramref name="record"/>'s properties from a blob written by <see cref="Encode"/>.</summary>
    public void Decode(ReadOnlySpan<byte> blob, CrmRecord record)
    {
        _read.Clear();
        var position = 0;
        if (blob.Length == 0 || blob[position++] != Format)
        {
            throw new InvalidDataException($"Record {record.Id}: unknown property encoding.");
        }

        var baseTicks = record.CreatedAt.UtcTicks;
        var count = (int)ReadVarint(blob, ref position);
        record.Properties.EnsureCapacity(count);
        for (var p = 0; p < count; p++)
        {
            var name = ReadString(blob, ref position)!;
            var versions = (int)ReadVarint(blob, ref position);
            _versions.Clear();
            for (var i = 0; i < versions; i++)
            {
                var value = ReadString(blob, ref position)!;
                var ticks = baseTicks + UnZigZag(ReadVarint(blob, ref position));
                var source = ReadString(blob, ref position)!;
                _versions.Add((value, ticks, source, ReadString(blob, ref position)));
            }

            // Rebuild the chain oldest first so each version links to the one it replaced.
            PropertyValue? previous = null;
            for (var i = versions - 1; i >= 0; i--)
            {
                var (value, ticks, source, sourceId) = _versions[i];
                previous = new PropertyValue(value, new DateTimeOffset(ticks, TimeSpan.Zero), source, sourceId, previous);
            }

            if (previous is not null)
            {
                record.Properties[name] = previous;
            }
        }
    }

    private void WriteString(string? value)
    {
        if (value is null)
        {
            WriteVarint(0);
            return;
        }

        if (_written.TryGetValue(value, out var index))
        {
            WriteVarint((ulong)index + 2);
            return;
        }

        _written[value] = _written.Count;
        WriteVarint(1);
        var bytes = Encoding.UTF8.GetByteCount(value);
        WriteVarint((ulong)bytes);
        Ensure(bytes);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    private string? ReadString(ReadOnlySpan<byte> blob, ref int position)
    {
        var tag = ReadVarint(blob, ref position);
        if (tag == 0)
        {
            return null;
        }

        if (tag >= 2)
        {
            return _read[(int)(tag - 2)];
        }

        var length = (int)ReadVarint(blob, ref position);
        var utf8 = blob.Slice(position, length);
        position += length;
        var text = Intern(utf8);
        _read.Add(text);
        return text;
    }

    private string Intern(ReadOnlySpan<byte> utf8)
    {
        // A UTF-8 string has at most as many chars as bytes, so short byte strings fit the char buffer.
        if (utf8.Length > MaxInternedLength)
        {
            return Encoding.UTF8.GetString(utf8);
        }

        var chars = _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
        if (_lookup.TryGetValue(chars, out var pooled))
        {
            return pooled;
        }

        var text = new string(chars);
        if (_pool.Count < MaxInternedStrings)
        {
            _pool[text] = text;
        }

        return text;
    }

    private void WriteByte(byte b)
    {
        Ensure(1);
        _buffer[_length++] = b;
    }

    private void WriteVarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> blob, ref int position)
    {
        ulong result = 0;
        var shift = 0;
        while (true)
        {
            var b = blob[position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }

            shift += 7;
            if (shift > 63)
            {
                throw new InvalidDataException("Malformed varint in a stored record.");
            }
        }
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long UnZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private void Ensure(int more)
    {
        if (_length + more > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
        }
    }
}

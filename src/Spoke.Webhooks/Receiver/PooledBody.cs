using System.Buffers;

namespace Spoke.Webhooks.Receiver;

/// <summary>
/// A request body in 64 KiB segments rented from <see cref="ArrayPool{T}.Shared"/>, charged to the shared
/// <see cref="BodyBudget"/>. Segments stay below the large-object threshold, so nothing lands on the large-object heap
/// (which a burst of big bodies would leave grown), and disposing returns them and the budget on every path.
/// </summary>
internal sealed class PooledBody : IDisposable
{
    public const int SegmentSize = 64 * 1024;

    private readonly BodyBudget _budget;
    private readonly List<byte[]> _segments = [];
    private long _reserved;
    private int _lastLength = SegmentSize;

    public PooledBody(BodyBudget budget) => _budget = budget;

    public long Length { get; private set; }

    /// <summary>Reserves room for <paramref name="bytes"/> (rounded up to whole segments); false when the budget is spent.</summary>
    public bool TryReserve(long bytes)
    {
        var needed = (bytes + SegmentSize - 1) / SegmentSize * SegmentSize - _reserved;
        if (needed <= 0)
        {
            return true;
        }

        if (!_budget.TryReserve(needed))
        {
            return false;
        }

        _reserved += needed;
        return true;
    }

    /// <summary>Where the next bytes go: the free end of the last segment, or a new one (false when the budget is spent).</summary>
    public bool TryGetMemory(out Memory<byte> memory)
    {
        if (_segments.Count == 0 || _lastLength == SegmentSize)
        {
            if (!TryReserve((long)(_segments.Count + 1) * SegmentSize))
            {
                memory = default;
                return false;
            }

            _segments.Add(ArrayPool<byte>.Shared.Rent(SegmentSize));
            _lastLength = 0;
        }

        memory = _segments[^1].AsMemory(_lastLength, SegmentSize - _lastLength);
        return true;
    }

    public void Advance(int count)
    {
        _lastLength += count;
        Length += count;
    }

    public ReadOnlySequence<byte> Sequence
    {
        get
        {
            if (_segments.Count == 0)
            {
                return ReadOnlySequence<byte>.Empty;
            }

            if (_segments.Count == 1)
            {
                return new ReadOnlySequence<byte>(_segments[0], 0, _lastLength);
            }

            var first = new Segment(_segments[0].AsMemory(0, SegmentSize), 0);
            var last = first;
            for (var i = 1; i < _segments.Count; i++)
            {
                var length = i == _segments.Count - 1 ? _lastLength : SegmentSize;
                last = last.Append(_segments[i].AsMemory(0, length));
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }
    }

    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            ArrayPool<byte>.Shared.Return(segment);
        }

        _segments.Clear();
        _budget.Release(_reserved);
        _reserved = 0;
        Length = 0;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}

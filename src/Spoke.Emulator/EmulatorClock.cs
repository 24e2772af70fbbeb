namespace Spoke.Emulator;

/// <summary>
/// The emulator's clock: system time plus an offset that tests advance, or a frozen instant.
/// Every timestamp, rate-limit window and expiry in the emulator reads this clock.
/// </summary>
public sealed class EmulatorClock : TimeProvider
{
    private readonly TimeProvider _system;
    private readonly object _gate = new();
    private TimeSpan _offset;
    private DateTimeOffset? _frozenAt;

    /// <summary>A clock that follows <paramref name="system"/> (default: the system clock) until advanced or frozen.</summary>
    public EmulatorClock(TimeProvider? system = null) => _system = system ?? System;

    /// <summary>
    /// Raised after the clock jumps (<see cref="Advance"/>, <see cref="Freeze"/>, <see cref="Unfreeze"/>), outside its
    /// lock. The clock runs no timers: components that wait for an emulator-clock instant (webhook retries) listen to
    /// this so a test that advances the clock sees due work happen without real waiting.
    /// </summary>
    public event Action? Advanced;

    /// <summary>The latest instant the admin API moves the clock to: a day short of <see cref="DateTimeOffset.MaxValue"/>,
    /// so expiries, windows and lags added to "now" still fit.</summary>
    public static readonly DateTimeOffset Latest = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Creates a clock frozen at <paramref name="instant"/>; it moves only when advanced.</summary>
    public static EmulatorClock FrozenAt(DateTimeOffset instant)
    {
        var clock = new EmulatorClock();
        clock.Freeze(instant);
        return clock;
    }

    /// <summary>The emulator's now: the frozen instant, or the system time plus every advance.</summary>
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _frozenAt ?? _system.GetUtcNow() + _offset;
        }
    }

    /// <summary>True while the clock stands still (it moves only when advanced).</summary>
    public bool IsFrozen
    {
        get
        {
            lock (_gate)
            {
                return _frozenAt is not null;
            }
        }
    }

    /// <summary>Moves time forward by <paramref name="delta"/> (never backwards).</summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        lock (_gate)
        {
            if (_frozenAt is { } frozen)
            {
                _frozenAt = frozen + delta;
            }
            else
            {
                _offset += delta;
            }
        }

        Advanced?.Invoke();
    }

    /// <summary>Stops the clock at <paramref name="instant"/>.</summary>
    public void Freeze(DateTimeOffset instant)
    {
        lock (_gate)
        {
            _frozenAt = instant.ToUniversalTime();
        }

        Advanced?.Invoke();
    }

    /// <summary>Lets the clock run again from where it stands.</summary>
    public void Unfreeze()
    {
        lock (_gate)
        {
            if (_frozenAt is { } frozen)
            {
                _offset = frozen - _system.GetUtcNow();
                _frozenAt = null;
            }
        }

        Advanced?.Invoke();
    }
}

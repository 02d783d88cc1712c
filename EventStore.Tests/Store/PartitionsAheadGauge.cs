using System.Diagnostics.Metrics;

namespace EventStore.Tests.Store;

/// <summary>Collects what the store reports as <c>eventstore.partitions.ahead</c> for one events table.</summary>
internal static class PartitionsAheadGauge
{
    /// <summary>Adds each count reported for <paramref name="eventsTable"/> to <paramref name="reported"/>; other tests' tables are left out.</summary>
    public static MeterListener Listen(string eventsTable, List<long> reported)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, meterListener) =>
            {
                if (instrument.Name == "eventstore.partitions.ahead")
                {
                    meterListener.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "eventstore.events_table" && Equals(tag.Value, eventsTable))
                {
                    lock (reported)
                    {
                        reported.Add(value);
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }
}

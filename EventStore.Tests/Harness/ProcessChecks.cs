using System.Diagnostics;

namespace EventStore.Tests.Harness;

/// <summary>What the harness tests ask of the processes the harness starts, and how long they wait for it.</summary>
internal static class ProcessChecks
{
    public static DateTime StartTime(int processId)
    {
        using var process = Process.GetProcessById(processId);
        return process.StartTime.ToUniversalTime();
    }

    public static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            waited.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), $"waited too long for {what}");
            await Task.Delay(50);
        }
    }
}

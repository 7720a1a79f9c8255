namespace MlopsPortal.Web.Components.Shared;

/// <summary>
/// MudBlazor's axis charts space the y-axis ticks by a whole number of units, so values below 10 (shares, AUC) would sit
/// under one tick. The charts plot values multiplied by <see cref="Factor"/> and label the axis with the real values.
/// </summary>
public readonly record struct ChartScale(double Factor, int Tick, double Max)
{
    public static ChartScale For(IEnumerable<double> values)
    {
        var max = values.Select(Math.Abs).DefaultIfEmpty(0).Max();
        if (max <= 0 || double.IsNaN(max) || double.IsInfinity(max)) return new(1, 1, 1);
        var factor = 1d;
        while (max * factor < 10) factor *= 10;
        var top = max * factor;
        // A "nice" step: 1, 2 or 5 times a power of ten, giving about five ticks.
        var raw = top / 5;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = raw / power switch { <= 1 => 1, <= 2 => 2, <= 5 => 5, _ => 10 } * power;
        var tick = (int)Math.Max(1, Math.Round(step));
        return new(factor, tick, Math.Ceiling(top / tick) * tick);
    }

    public double Scaled(double value) => value * Factor;

    public double Unscaled(double value) => value / Factor;
}

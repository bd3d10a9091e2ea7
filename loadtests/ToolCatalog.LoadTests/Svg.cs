using System.Globalization;
using System.Net;
using System.Text;

namespace ToolCatalog.LoadTests;

/// <summary>Minimal inline SVG charts.</summary>
public static class Svg
{
    private const int Width = 900;
    private const int Height = 280;
    private const int Left = 60;
    private const int Right = 120;
    private const int Top = 30;
    private const int Bottom = 40;

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    public static string LineChart(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, string Color, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        var all = series.SelectMany(s => s.Points).ToList();
        var maxX = all.Count == 0 ? 1 : Math.Max(1, all.Max(p => p.X));
        var minX = all.Count == 0 ? 0 : Math.Min(0, all.Min(p => p.X));
        var maxY = NiceCeiling(all.Count == 0 ? 1 : all.Max(p => p.Y));
        double X(double x) => Left + (x - minX) / (maxX - minX) * (Width - Left - Right);
        double Y(double y) => Height - Bottom - y / maxY * (Height - Top - Bottom);
        return Frame(title, xLabel, yLabel, maxY, Y, sb =>
        {
            for (var i = 0; i <= 5; i++)
            {
                var xv = minX + (maxX - minX) * i / 5;
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(xv))}\" y=\"{Height - Bottom + 15}\" font-size=\"11\" text-anchor=\"middle\">{F(xv)}</text>");
            }
            DrawSeries(sb, series.Select(s => (s.Name, s.Color, (IReadOnlyList<(double, double)>)s.Points.Select(p => (X(p.X), Y(p.Y))).ToList())).ToList());
        });
    }

    /// <summary>Latency against percentile on a "nines" axis: x = -log10(1 - p/100), so 90, 99, 99.9, 99.99 are evenly spaced.</summary>
    public static string PercentileChart(IReadOnlyList<PercentilePoint> curve)
    {
        const double maxNines = 4;
        static double Nines(double p) => Math.Min(maxNines, -Math.Log10(Math.Max(1e-4, 1 - p / 100)));
        var maxY = NiceCeiling(curve.Count == 0 ? 1 : curve.Max(p => p.Ms));
        double X(double n) => Left + n / maxNines * (Width - Left - Right);
        double Y(double y) => Height - Bottom - y / maxY * (Height - Top - Bottom);
        return Frame("latency by percentile (ms)", "percentile", "ms", maxY, Y, sb =>
        {
            foreach (var (label, p) in new[] { ("0", 0.0), ("90", 90.0), ("99", 99.0), ("99.9", 99.9), ("99.99", 99.99) })
            {
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(Nines(p)))}\" y=\"{Height - Bottom + 15}\" font-size=\"11\" text-anchor=\"middle\">{label}</text>");
            }
            DrawSeries(sb, [("overall", "#1f77b4", curve.Select(c => (X(Nines(c.Percentile)), Y(c.Ms))).ToList())]);
        });
    }

    private static string Frame(string title, string xLabel, string yLabel, double maxY, Func<double, double> y, Action<StringBuilder> body)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{System.Net.WebUtility.HtmlEncode(title)}\">");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left}\" y=\"18\" font-size=\"14\" font-weight=\"bold\">{System.Net.WebUtility.HtmlEncode(title)}</text>");
        for (var i = 0; i <= 4; i++)
        {
            var v = maxY * i / 4;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{F(y(v))}\" x2=\"{Width - Right}\" y2=\"{F(y(v))}\" stroke=\"#eee\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(y(v) + 4)}\" font-size=\"11\" text-anchor=\"end\">{F(v)}</text>");
        }
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#999\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#999\"/>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{(Width - Right + Left) / 2}\" y=\"{Height - 5}\" font-size=\"11\" text-anchor=\"middle\">{System.Net.WebUtility.HtmlEncode(xLabel)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"14\" y=\"{Height / 2}\" font-size=\"11\" transform=\"rotate(-90 14 {Height / 2})\" text-anchor=\"middle\">{System.Net.WebUtility.HtmlEncode(yLabel)}</text>");
        body(sb);
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static void DrawSeries(StringBuilder sb, IReadOnlyList<(string Name, string Color, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        var legendY = Top + 10;
        foreach (var (name, color, points) in series)
        {
            if (points.Count > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\" points=\"{string.Join(' ', points.Select(p => F(p.X) + "," + F(p.Y)))}\"/>");
                if (points.Count == 1)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(points[0].X)}\" cy=\"{F(points[0].Y)}\" r=\"3\" fill=\"{color}\"/>");
                }
            }
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Width - Right + 10}\" y=\"{legendY - 9}\" width=\"10\" height=\"10\" fill=\"{color}\"/><text x=\"{Width - Right + 25}\" y=\"{legendY}\" font-size=\"11\">{System.Net.WebUtility.HtmlEncode(name)}</text>");
            legendY += 16;
        }
    }

    private static double NiceCeiling(double value)
    {
        if (value <= 0 || double.IsNaN(value))
        {
            return 1;
        }
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1.0, 2.0, 2.5, 5.0, 10.0 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }
}

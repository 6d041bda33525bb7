//! The SVG charts and the office documents (Word, Excel) of supervision.

pub mod svg {
    fn esc(s: &str) -> String {
        s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
    }

    /// Horizontal bars, one per label, scaled to `max`.
    pub fn bar_chart(title: &str, bars: &[(String, f64)], max: f64) -> String {
        let (left, row, width) = (130.0, 18.0, 360.0);
        let height = 40.0 + row * bars.len().max(1) as f64;
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="560" height="{height}" viewBox="0 0 560 {height}" role="img" aria-label="{t}" font-family="sans-serif" font-size="12"><title>{t}</title><text x="10" y="18" font-weight="bold">{t}</text>"#,
            t = esc(title)
        );
        for (i, (label, v)) in bars.iter().enumerate() {
            let y = 30.0 + row * i as f64;
            let w = (v / max).clamp(0.0, 1.0) * width;
            s.push_str(&format!(
                r##"<text x="{tx}" y="{ty}" text-anchor="end">{l}</text><rect x="{left}" y="{y}" width="{w:.1}" height="{h}" fill="#1f5fa8"/><text x="{vx:.1}" y="{ty}">{v:.1}</text>"##,
                tx = left - 6.0,
                ty = y + 12.0,
                l = esc(label),
                h = row - 4.0,
                vx = left + w + 4.0,
            ));
        }
        if bars.is_empty() {
            s.push_str(r#"<text x="10" y="44">暂无数据</text>"#);
        }
        s.push_str("</svg>");
        s
    }

    /// A line through (label, value) points, values from 0 to `max`.
    pub fn line_chart(title: &str, points: &[(String, f64)], max: f64) -> String {
        let (left, top, w, h) = (40.0, 30.0, 500.0, 160.0);
        let mut s = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="580" height="230" viewBox="0 0 580 230" role="img" aria-label="{t}" font-family="sans-serif" font-size="11"><title>{t}</title><text x="10" y="18" font-weight="bold">{t}</text>"#,
            t = esc(title)
        );
        s.push_str(&format!(r##"<line x1="{left}" y1="{b}" x2="{r}" y2="{b}" stroke="#999"/><line x1="{left}" y1="{top}" x2="{left}" y2="{b}" stroke="#999"/>"##, b = top + h, r = left + w));
        for tick in [0.0, 50.0, 100.0] {
            let y = top + h - tick / max * h;
            s.push_str(&format!(
                r#"<text x="{x}" y="{y:.1}" text-anchor="end">{tick}</text>"#,
                x = left - 4.0,
                y = y + 4.0
            ));
        }
        if points.is_empty() {
            s.push_str(r#"<text x="60" y="100">尚未发布月报</text></svg>"#);
            return s;
        }
        let step = if points.len() > 1 { w / (points.len() - 1) as f64 } else { 0.0 };
        let coords: Vec<(f64, f64)> = points
            .iter()
            .enumerate()
            .map(|(i, (_, v))| (left + step * i as f64, top + h - (v / max).clamp(0.0, 1.0) * h))
            .collect();
        let path: Vec<String> = coords.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        s.push_str(&format!(
            r##"<polyline fill="none" stroke="#c0392b" stroke-width="2" points="{}"/>"##,
            path.join(" ")
        ));
        for ((x, y), (label, v)) in coords.iter().zip(points) {
            s.push_str(&format!(
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="#c0392b"/><text x="{x:.1}" y="{ly:.1}" text-anchor="middle">{v:.1}</text><text x="{x:.1}" y="{by}" text-anchor="middle">{l}</text>"##,
                ly = y - 6.0,
                by = top + h + 16.0,
                l = esc(label.get(2..).unwrap_or(label)),
            ));
        }
        s.push_str("</svg>");
        s
    }
}

pub mod export {
    use std::io::Cursor;

    use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow};
    use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

    use crate::error::{AppError, Result};
    use crate::flows::basic_catalog::Gap;
    use crate::flows::supervision::{AssessmentLine, MonthView};

    fn p(text: &str) -> Paragraph {
        Paragraph::new()
            .add_run(Run::new().add_text(text).fonts(RunFonts::new().east_asia("仿宋").ascii("仿宋")).size(24))
    }

    fn cell(text: &str) -> TableCell {
        TableCell::new()
            .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(Run::new().add_text(text).size(20)))
    }

    fn score(s: Option<f64>) -> String {
        s.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into())
    }

    /// The 月报/通报 as Word: the ranking with every unit's figures, then each indicator's definition and weight.
    pub fn monthly_docx(gov: &str, v: &MonthView, gaps: &[Gap]) -> Result<Vec<u8>> {
        let title = format!("{gov}政务公开工作月报（{}）", v.label);
        let mut doc = Docx::new().add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(&title).bold().size(36).fonts(RunFonts::new().east_asia("宋体"))),
        );
        let version = match (v.version, &v.reason) {
            (Some(n), Some(r)) => format!("第{n}版（修订原因：{r}）"),
            (Some(n), None) => format!("第{n}版"),
            _ => "未发布（实时计算）".into(),
        };
        doc = doc.add_paragraph(p(&version));
        let t = &v.totals;
        doc = doc.add_paragraph(p(&format!(
            "本月全市共收到政府信息公开申请{}件，答复{}件，其中按时答复{}件；月末逾期未答复{}件，结转下月{}件。休眠、僵尸政务新媒体{}个，逾期未整改问题{}个，超期未答复留言{}条。",
            t.applications_received, t.applications_answered, t.applications_answered_on_time, t.applications_overdue, t.applications_carried,
            t.silent_accounts, t.open_rectifications, t.unanswered_messages
        )));
        let head = ["名次", "单位", "得分", "收到申请", "答复", "按时", "逾期", "休眠账号", "未整改", "超期留言"];
        let mut rows = vec![TableRow::new(head.iter().map(|h| cell(h)).collect())];
        for l in &v.lines {
            let f = &l.figures;
            let rank = l.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into());
            let sc = if l.small_sample { format!("{}*", score(l.score)) } else { score(l.score) };
            rows.push(TableRow::new(
                [
                    rank,
                    l.unit_name.clone(),
                    sc,
                    f.applications_received.to_string(),
                    f.applications_answered.to_string(),
                    f.applications_answered_on_time.to_string(),
                    f.applications_overdue.to_string(),
                    f.silent_accounts.to_string(),
                    f.open_rectifications.to_string(),
                    f.unanswered_messages.to_string(),
                ]
                .iter()
                .map(|s| cell(s))
                .collect(),
            ));
        }
        doc = doc.add_table(Table::new(rows));
        // 基层政务公开标准目录: what fell due and is not published (issue 18: gaps in the 通报).
        if gaps.is_empty() {
            doc = doc.add_paragraph(p("基层政务公开标准目录：截至月末，各单位目录中已到公开时限的事项均已公开。"));
        } else {
            doc = doc.add_paragraph(p(&format!(
                "基层政务公开标准目录：截至月末，以下{}个事项已到公开时限但未公开，请相关单位及时公开：",
                gaps.len()
            )));
            let head = ["单位", "领域", "公开事项", "公开时限", "应公开日期"];
            let mut rows = vec![TableRow::new(head.iter().map(|h| cell(h)).collect())];
            for g in gaps {
                rows.push(TableRow::new(
                    [&g.unit_name, &g.area_title, &g.entry, &g.time_limit, &g.due].iter().map(|s| cell(s)).collect(),
                ));
            }
            doc = doc.add_table(Table::new(rows));
        }
        doc = doc.add_paragraph(p(&format!(
            "注：带*的得分中，有比率类指标因样本少于{}件未计入。各指标定义及权重如下：",
            v.min_count
        )));
        for i in &v.indicators {
            doc = doc.add_paragraph(p(&format!("{}（权重{}）：{}", i.label, i.weight, i.definition)));
        }
        let mut buf = Cursor::new(Vec::new());
        doc.build().pack(&mut buf).map_err(|e| AppError::Internal(anyhow::anyhow!("writing .docx failed: {e}")))?;
        Ok(buf.into_inner())
    }

    pub fn assessment_xlsx(gov: &str, year: i32, lines: &[AssessmentLine]) -> Result<Vec<u8>> {
        let xerr = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("writing .xlsx failed: {e}"));
        let mut wb = Workbook::new();
        let head =
            Format::new().set_bold().set_align(FormatAlign::Center).set_border(FormatBorder::Thin).set_text_wrap();
        let body = Format::new().set_border(FormatBorder::Thin);
        let ws = wb.add_worksheet().set_name("年度考核").map_err(xerr)?;
        ws.merge_range(0, 0, 0, 9, &format!("{gov}{year}年度政务公开工作考核"), &head).map_err(xerr)?;
        let cols = [
            "名次",
            "单位",
            "月度得分",
            "计分月数",
            "抽查得分",
            "发现问题",
            "逾期整改",
            "新媒体得分",
            "年度得分",
            "目标考评分值",
        ];
        for (i, c) in cols.iter().enumerate() {
            ws.write_string_with_format(1, i as u16, *c, &head).map_err(xerr)?;
        }
        for (r, l) in lines.iter().enumerate() {
            let row = 2 + r as u32;
            ws.write_number_with_format(row, 0, f64::from(l.rank), &body).map_err(xerr)?;
            ws.write_string_with_format(row, 1, &l.unit_name, &body).map_err(xerr)?;
            match l.monthly {
                Some(m) => ws.write_number_with_format(row, 2, m, &body).map_err(xerr)?,
                None => ws.write_string_with_format(row, 2, "—", &body).map_err(xerr)?,
            };
            ws.write_number_with_format(row, 3, l.months_scored as f64, &body).map_err(xerr)?;
            ws.write_number_with_format(row, 4, l.spot_check, &body).map_err(xerr)?;
            ws.write_number_with_format(row, 5, f64::from(l.findings), &body).map_err(xerr)?;
            ws.write_number_with_format(row, 6, f64::from(l.findings_late), &body).map_err(xerr)?;
            match l.new_media {
                Some(m) => ws.write_number_with_format(row, 7, m, &body).map_err(xerr)?,
                None => ws.write_string_with_format(row, 7, "—", &body).map_err(xerr)?,
            };
            ws.write_number_with_format(row, 8, l.score, &body).map_err(xerr)?;
            ws.write_number_with_format(row, 9, l.target_points, &body).map_err(xerr)?;
        }
        ws.set_column_width(1, 30).map_err(xerr)?;
        wb.save_to_buffer().map_err(xerr)
    }
}

package browsertest_test

import "github.com/chromedp/chromedp"

func clickCSS(css string) chromedp.Action[chromedp.Void] { return chromedp.Click(chromedp.CSS(css)) }

// The review meeting screen (reviews/present.html): one rep per slide, arrow keys or the bar's
// buttons turn slides, "全屏" asks the browser for full screen. Loaded without `defer` so the
// component is registered before Alpine (deferred in base.html) starts.
document.addEventListener("alpine:init", function () {
  "use strict";
  window.Alpine.data("reviewPresenter", function () {
    return {
      index: 0,
      slides: [],
      init: function () {
        this.slides = Array.prototype.slice.call(this.$root.querySelectorAll("[data-slide]"));
        this.show(0);
      },
      show: function (index) {
        if (!this.slides.length) { return; }
        this.index = Math.max(0, Math.min(index, this.slides.length - 1));
        var current = this.index;
        this.slides.forEach(function (slide, position) { slide.hidden = position !== current; });
        this.$refs.counter.textContent = (current + 1) + " / " + this.slides.length;
        window.scrollTo(0, 0);
      },
      next: function () { this.show(this.index + 1); },
      prev: function () { this.show(this.index - 1); },
      fullscreen: function () {
        if (document.fullscreenElement) { document.exitFullscreen(); }
        else if (this.$root.requestFullscreen) { this.$root.requestFullscreen(); }
      }
    };
  });
});
